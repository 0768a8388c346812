"""The report on the real advice engine's output, and the `kneeguard report` command."""
from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from kneeguard.report import SECTION_ORDER, build_report, render_html
from tests.report_fixtures import AS_OF, checkin, gait_summary, history, load_report

engine = pytest.importorskip("kneeguard.advice.engine", reason="the advice engine is not in this tree yet")
context_mod = pytest.importorskip("kneeguard.advice.context", reason="the advice engine is not in this tree yet")


@pytest.mark.parametrize("parts", ["all", "none", "checkin", "gait"])
def test_report_from_the_advice_engine(parts):
    kwargs = {"all": dict(load_report=load_report(), gait=gait_summary(), checkin=checkin()),
              "none": {}, "checkin": dict(checkin=checkin()), "gait": dict(gait=gait_summary())}[parts]
    ctx = context_mod.make_context("ana", AS_OF, **kwargs)
    doc = build_report(ctx, engine.advise(ctx), history=history() if "checkin" in kwargs else None)
    html = render_html(doc)
    for key, _ in SECTION_ORDER:
        assert f'<section id="{key}"' in html
    assert html.index('id="triage"') < html.index('id="summary"') < html.index('id="findings"') < html.index('id="plan"')
    assert "not a diagnosis" in html and doc.plan["available"]
    if parts == "all":
        assert doc.plan["weeks"] and doc.plan["days"] and doc.plan["strength"] and doc.summary
    if parts == "none":
        assert any("kneeguard checkin" in m["how"] or "checkin" in m["how"] for m in doc.missing)


def test_report_command_on_an_empty_store(tmp_path):
    from kneeguard.cli import report_cmd

    app = typer.Typer()
    report_cmd.register(app)
    app.command("noop")(lambda: None)  # a second command keeps `report` a named subcommand
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "--as-of", "2025-06-30", "--out", str(out),
                                      "--home", str(tmp_path / "home")])
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert ("Not assessed" in html or "No check-in yet" in html) and "What is missing" in html
    # a named athlete who is not stored is refused (a misspelt name wrote an empty report)
    named = CliRunner().invoke(app, ["report", "--athlete", "nobody", "--out", str(tmp_path / "n.html"),
                                     "--home", str(tmp_path / "home")])
    assert named.exit_code == 2 and "unknown athlete 'nobody'" in named.output


def test_report_command_rejects_a_wrong_suffix(tmp_path):
    from kneeguard.cli import report_cmd

    app = typer.Typer()
    report_cmd.register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r.txt"), "--home", str(tmp_path)])
    assert result.exit_code == 2


def test_report_shows_surgery_context_driving_answers_and_level_changes():
    # Issue #13: everything the check-in knows reaches the clinician.
    from kneeguard.clinic import assess
    from tests.test_triage_vignettes import NEGATIVE

    c = assess({**NEGATIVE, "onset": "gradual", "location": ["central"], "pain_now": 3,
                "surgery": ["total_knee_replacement"], "surgery_weeks_ago": 100, "replaced_knee_problems": ["new_pain"]},
               today=AS_OF)
    ctx = context_mod.make_context("ana", AS_OF, checkin=c)
    html = render_html(build_report(ctx, engine.advise(ctx)))
    # In words, never field names (issue #16): the option labels and the question's text.
    assert "Knee surgery:</strong> Total knee replacement" in html and "total_knee_replacement" not in html
    assert "Answers that set this level:" in html and "Since the knee replacement, has any of these started? New pain in the replaced knee" in html
    assert "What would change the level" in html and "would give" in html
    assert "Korean Knee Society" in html and "Knee Society, Healy 2001" in html
