"""Explain everywhere: the /explain pages, finding thumbnails in the web app, diagrams in the report."""
from __future__ import annotations

import base64
import re
import warnings

import pytest

from kneeguard.findings import Finding, Severity

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

MEASURED = {"overstride_pct_leg": 17.0, "overstride_cm": 15.0, "knee_flexion_ic_deg": 6.0,
            "shank_angle_ic_deg": 12.0, "trunk_lean_deg": 9.0, "findings": []}


@pytest.fixture()
def client(tmp_path):
    from kneeguard.web import create_app

    with TestClient(create_app(home=tmp_path / "home", background_jobs=False)) as c:
        yield c


def test_index_lists_every_code_with_a_link(client):
    from kneeguard.explain import emittable_codes

    r = client.get("/explain")
    assert r.status_code == 200 and "Structures behind the knee" in r.text
    for code in emittable_codes():
        assert f'href="/explain/{code}"' in r.text, code
    assert 'data-structure="popliteus"' in r.text  # the atlas diagram, inline


def test_a_check_in_rule_page_says_the_rule_first(client):
    """The check-in's "what does this involve?" link for 'not improving' opened a page on load spikes alone; the
    rule's own plain why and the clinician's summary now come first, then what may be behind it."""
    from kneeguard.clinic.triage import rule_words, triage_rules

    rule = next(r for r in triage_rules() if r.id == "not_improving")
    text = client.get("/explain/clinic.triage.not_improving").text
    assert "Why this check-in rule (routine)" in text and rule.text.why in text
    assert rule.evidence.summary.replace("'", "&#39;") in text and "what may be behind it" in text
    assert text.index("Why this check-in rule") < text.index("Load spikes")
    assert rule_words("load.spike") is None and rule_words("clinic.triage.no_such_rule") is None
    assert "Why this check-in rule" not in client.get("/explain/load.spike").text


def test_the_cli_explains_a_check_in_rule_first():
    from typer.testing import CliRunner

    from kneeguard.cli import app

    out = " ".join(CliRunner().invoke(app, ["explain", "clinic.triage.not_improving"]).output.split())
    assert "Why this check-in rule (routine)" in out and "What may be behind it" in out


@pytest.mark.parametrize("key", ["popliteus", "gait.overstride", "clinic.bridge_poor.left", "Baker's cyst",
                                 "clinic.triage.chest_symptoms", "load.spike"])
def test_topic_pages_show_text_diagram_and_sources(client, key):
    r = client.get(f"/explain/{key}")
    assert r.status_code == 200
    assert "What you may feel" in r.text and "What helps" in r.text and "Sources" in r.text
    assert re.search(r'class="region highlighted"', r.text)  # the diagram with its highlight
    assert "http://" not in r.text.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere


def test_unknown_key_is_a_404_with_suggestions(client):
    r = client.get("/explain/hamstrng")
    assert r.status_code == 404 and 'href="/explain/weak_hamstrings"' in r.text


def test_gait_topic_draws_the_runner_from_the_stored_session(client):
    from kneeguard.store import athletes
    from kneeguard.store.records import save_gait_session

    assert "evidence band alone" in client.get("/explain/gait.extended_knee_landing").text
    with client.app.state.store.write() as session:
        athletes.get_or_create(session, "me")
        save_gait_session(session, "me", MEASURED)
    r = client.get("/explain/gait.extended_knee_landing")
    assert "You (measured)" in r.text and "6°" in r.text and "latest gait analysis" in r.text


def test_finding_lists_link_to_the_explain_page_with_a_thumbnail():
    import kneeguard.web.explain_pages  # noqa: F401  (registers the template global)
    from kneeguard.web.common import TEMPLATES

    finding = Finding("clinic.bridge_poor.left", Severity.MODERATE, "Bridge poor", "why").to_dict()
    html = TEMPLATES.get_template("_findings.html").render(findings=[finding], empty_text="")
    assert 'href="/explain/clinic.bridge_poor.left"' in html
    assert 'data-structure="biceps_femoris"' in html and "1 Biceps femoris" in html


def test_report_shows_the_highlighted_diagram_beside_findings(tmp_path):
    from kneeguard.report import build_report, render_html
    from tests.report_fixtures import advice, full_context, history

    doc = build_report(full_context(), advice(), history=history())
    rows = [f for d in doc.domains for f in d["findings"]]
    assert rows and all(f["explain"] or _same_picture_above(f, rows) for f in rows)
    html = render_html(doc)
    assert "url(" not in re.sub(r"url\(data:", "", html)  # still self-contained
    # the diagrams are embedded SVG images (report.html.svg_image: the PDF engine draws them as one box each)
    diagrams = [base64.b64decode(b).decode("utf-8")
                for b in re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)]
    assert sum('class="kg-knee-diagram"' in d for d in diagrams) >= 3
    assert any('class="region highlighted"' in d for d in diagrams)
    assert any('class="kg-runner-figure"' in d for d in diagrams)  # gait: the runner from the session's numbers
    assert re.findall(r'<img alt="The back of the right knee, hatched: [^"]+"', html)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def _same_picture_above(row: dict, rows: list[dict]) -> bool:
    """A row without a panel shares its explanation with an earlier row in the same report."""
    return any(r["explain"] for r in rows[: rows.index(row)])


def test_report_pdf_renders_the_diagrams(tmp_path):
    pytest.importorskip("weasyprint", reason="WeasyPrint renders the PDF")
    from kneeguard.report import build_report, write_html
    from kneeguard.report.pdf import PdfEngineMissing, write_pdf
    from tests.report_fixtures import advice, full_context, history

    html = write_html(build_report(full_context(), advice(), history=history()),
                      tmp_path / "report.html")
    try:
        pdf = write_pdf(html, tmp_path / "report.pdf", engine="weasyprint")
    except PdfEngineMissing as exc:
        pytest.skip(str(exc))
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 100_000


def test_a_check_in_rule_topic_carries_the_rule_in_json_with_its_sources():
    """One owner: the topic itself carries the rule, so `explain --json` and every view show it."""
    from kneeguard.clinic.triage import triage_rules
    from kneeguard.explain import topic

    rule = next(r for r in triage_rules() if r.id == "not_improving")
    found = topic("clinic.triage.not_improving").to_dict()
    assert found["title"] == "Check-in rule" and found["rule"]["why"] == rule.text.why
    assert {c.key for c in rule.evidence.citations} <= {c["key"] for c in found["citations"]}
    assert topic("load.spike").to_dict()["rule"] is None
