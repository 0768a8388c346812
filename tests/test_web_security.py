"""Security headers and the inline-code ban, the clinician overview, the default athlete, the job redirect
and the gait quality explanation, as routes (TestClient) over demo-like data (tests/web_demo_data.py)."""
from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kneeguard.web import create_app
from kneeguard.web.security import CONTENT_SECURITY_POLICY, REPORT_CONTENT_SECURITY_POLICY
from tests import web_demo_data as demo

WEB = Path(__file__).resolve().parents[1] / "src" / "kneeguard" / "web"
# Inline code a CSP without 'unsafe-inline' refuses: <script> without src (JSON data blocks are not
# code and stay allowed), <style> blocks, style="..." attributes, on*= handlers, javascript: URLs.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "on*= handler": re.compile(r"\son[a-z]+\s*=\s*[\"'{]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}
REQUIRED_HEADERS = {"content-security-policy": CONTENT_SECURITY_POLICY, "x-content-type-options": "nosniff",
                    "referrer-policy": "same-origin", "x-frame-options": "DENY"}
SKIP_IN_SWEEP = {"/report/download.pdf"}  # prints a PDF through a browser engine: slow, and not HTML


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo") / "home"
    return home, demo.build(home)


@pytest.fixture()
def client(demo_home):
    home, _ids = demo_home
    with TestClient(create_app(home=home, background_jobs=False)) as c:
        yield c


def get_routes(app) -> list[str]:
    from fastapi import routing

    flatten = getattr(routing, "iter_route_contexts", None)  # FastAPI wraps included routers lazily
    routes = flatten(app.routes) if flatten else app.routes
    return sorted({r.path for r in routes if "GET" in (getattr(r, "methods", None) or ())})


def _finished_gait_job(store, session_id: int) -> str:
    from kneeguard.store import jobs

    with store.write() as s:
        job_id = jobs.submit(s, demo.RUNNER, "gait_video", {"original_name": "clip.mp4"})
        claimed = jobs.claim_next(s, ("gait_video",))
        jobs.finish(s, job_id, claimed.attempt, {"gait_session_id": session_id, "url": f"/gait/{session_id}"})
    return job_id


def test_no_template_or_page_module_has_inline_code():
    import ast

    offenders = []
    for path in sorted(WEB.glob("templates/*.html")) + sorted(WEB.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":  # the HTML a module writes is in its string literals (comments may name the rules)
            text = "\n".join(n.value for n in ast.walk(ast.parse(text))
                             if isinstance(n, ast.Constant) and isinstance(n.value, str))
        offenders += [f"{path.name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert not offenders, offenders


def test_every_route_answers_with_the_security_headers(client, demo_home):
    _home, ids = demo_home
    job_id = _finished_gait_job(client.app.state.store, ids.gait_session_id)
    values = {"activity_id": str(ids.activity_id), "session_id": str(ids.gait_session_id), "job_id": job_id,
              "name": "summary.json", "key": "load.spike"}
    client.cookies.set("kneeguard_athlete", demo.RUNNER)
    paths = [p for p in get_routes(client.app) if p not in SKIP_IN_SWEEP]
    assert len(paths) > 20 and "/overview" in paths
    for template in paths:
        # An unknown parameter (a page added later) still gets an answer, if only a 404, with the headers.
        path = re.sub(r"{(\w+)}", lambda m: values.get(m.group(1), "1"), template)
        r = client.get(path, follow_redirects=False)
        assert r.status_code < 500, (path, r.status_code)
        want = dict(REQUIRED_HEADERS)
        if template.startswith("/report/"):
            want["content-security-policy"] = REPORT_CONTENT_SECURITY_POLICY if template != "/report" \
                else CONTENT_SECURITY_POLICY
        for header, value in want.items():
            assert r.headers.get(header) == value, (path, header, r.headers.get(header))
        if r.headers.get("content-type", "").startswith("text/html") and not template.startswith("/report/"):
            found = [what for what, pattern in INLINE.items() if pattern.search(r.text)]
            assert not found, (path, found)
    for extra in ("/static/kneeguard.css", "/no-such-page"):
        assert client.get(extra).headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_report_policy_allows_its_inline_css_and_nothing_else(client):
    r = client.get("/report/view")
    policy = r.headers["content-security-policy"]
    assert "<style" in r.text and "<script" not in r.text
    assert "default-src 'none'" in policy and "script-src" not in policy and "style-src 'unsafe-inline'" in policy
    assert "kneeguard explain" not in r.text  # the appendix is for a reader of paper, not of a terminal


def test_overview_lists_every_athlete_with_values_from_the_advice(client, demo_home):
    from kneeguard.web.advice_view import advice_for  # noqa: F401 - the owner the rows read

    _home, ids = demo_home
    r = client.get("/overview")
    assert r.status_code == 200 and "server-timing" in r.headers
    rows = re.findall(r"<tr(?: class=\"current\")?>(.*?)</tr>", r.text.split("<tbody>")[1], re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert len(text) == 3
    runner = next(t for t in text if t.startswith(demo.RUNNER))
    assert "SELF-CARE" in runner and f"{ids.today.isoformat()}" in runner and "5/10" in runner
    assert "1 → 3 → 5 (worse)" in runner  # the ticked strength sessions of those due, whichever weekday it is:
    assert re.search(r"\b[1-9]/\d+ \(\d+ %\)", runner) and not re.search(r"\b0/\d+", runner)
    empty = next(t for t in text if t.startswith(demo.EMPTY))
    assert "no check-in" in empty and "check in first" in empty
    # most pressing first: the runner's pain is rising
    assert text[0].startswith(demo.RUNNER)


def _row_names(html: str) -> list[str]:
    """The athletes of the overview's rows, in order."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [a or b for a, b in re.findall(r'name="name" value="([^"]+)"|<a href="/"><strong>([^<]+)</strong>', body)]


def test_overview_sorts_on_the_server_and_refuses_unknown_columns(client):
    by_name = client.get("/overview?sort=athlete&order=asc").text
    assert _row_names(by_name) == sorted([demo.RUNNER, demo.SECOND, demo.EMPTY], key=str.lower)
    reverse = client.get("/overview?sort=athlete&order=desc").text
    assert reverse.split("<tbody>")[1].index(demo.RUNNER) < reverse.split("<tbody>")[1].index(demo.SECOND)
    assert 'aria-sort="descending"' in reverse
    assert client.get("/overview?sort=password").status_code == 400
    assert client.get("/overview?order=sideways").status_code == 400


def test_overview_switches_to_the_chosen_athlete(client):
    page = client.get("/overview").text
    assert 'action="/athletes/select"' in page
    landed = client.post("/athletes/select", data={"name": demo.SECOND}, follow_redirects=True)
    assert f"<strong>{demo.SECOND}</strong>" in landed.text


def test_overview_in_multi_user_mode_shows_only_the_accounts_athletes(demo_home):
    from kneeguard.store import accounts, open_store
    from tests.test_web_multiuser import login

    home, _ids = demo_home
    with open_store(home=home) as store, store.write() as s:
        for username, role, athlete in (("dr-ov", "clinician", demo.RUNNER), ("ana-ov", "athlete", demo.SECOND)):
            if accounts.find_user(s, username) is None:
                accounts.create_user(s, username, "overview-password-1", role, athlete=athlete)
    app = create_app(home=home, multi_user=True, secret_key=b"k" * 32, background_jobs=False)
    for username, sees, hidden in (("dr-ov", demo.RUNNER, demo.SECOND), ("ana-ov", demo.SECOND, demo.RUNNER)):
        page = login(app, username, "overview-password-1").get("/overview").text
        assert _row_names(page) == [sees], (username, hidden)


def test_without_a_choice_the_app_opens_on_the_athlete_with_the_newest_data(client):
    client.cookies.clear()
    assert f"<a href=\"/athletes\"><strong>{demo.RUNNER}</strong>" in client.get("/").text
    client.cookies.set("kneeguard_athlete", demo.EMPTY)  # a choice is kept
    assert f"<strong>{demo.EMPTY}</strong>" in client.get("/").text
    client.cookies.set("kneeguard_athlete", "nobody")  # a stale choice falls back to the newest data
    assert f"<strong>{demo.RUNNER}</strong>" in client.get("/").text


def test_a_finished_gait_job_opens_its_results(client, demo_home):
    _home, ids = demo_home
    client.cookies.set("kneeguard_athlete", demo.RUNNER)
    job_id = _finished_gait_job(client.app.state.store, ids.gait_session_id)
    r = client.get(f"/jobs/{job_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/gait/{ids.gait_session_id}"
    assert client.get(f"/jobs/{job_id}/status").json()["result_url"] == f"/gait/{ids.gait_session_id}"


def test_gait_session_explains_the_quality_score(client, demo_home):
    from kneeguard.gait.quality import doubtful_meaning, quality_parts

    _home, ids = demo_home
    client.cookies.set("kneeguard_athlete", demo.RUNNER)
    page = client.get(f"/gait/{ids.gait_session_id}").text
    assert 'id="gait-quality-explained"' in page and "What the quality score means" in page
    for part in quality_parts():
        assert part.name in page
    assert doubtful_meaning().split(":")[0] in page


def test_an_athlete_added_today_has_no_plan_done_figure(tmp_path):
    """A coach: three athletes added today showed 'Plan done 0/13 (0 %)' (sessions of days before they began)."""
    import json

    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic import assess
    from kneeguard.sample import sample_checkin
    from kneeguard.store import open_store

    home = tmp_path / "home"
    ids = demo.build(home)
    with open_store(home=home) as store:
        result = assess(json.loads(sample_checkin().read_text()), today=ids.today)
        save_checkin(result.record, "cara", store=store)
    with TestClient(create_app(home=home, background_jobs=False)) as c:
        html = c.get("/overview").text
    rows = re.findall(r"<tr(?: class=\"current\")?>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    # cara is the current athlete (her row a link, not a button) once her check-in, saved now, is the newest data:
    # after the demo data's clock time of day (a flake found at 20:00)
    cara = next(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in rows
                if 'value="cara"' in r or "<strong>cara</strong>" in r)
    assert "0 %" not in cara and "—" in cara, cara


def test_a_follow_up_date_gone_by_is_marked_overdue(client, demo_home):
    """A coach: 'Next follow-up 2026-12-06 check in again' on 07 Dec read like a date still to come."""
    _home, ids = demo_home
    later = ids.today + dt.timedelta(days=40)
    html = client.get(f"/overview?as_of={later.isoformat()}").text
    rows = re.findall(r"<tr(?: class=\"current\")?>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    dated = [r for r in rows if re.search(r"\d{4}-\d\d-\d\d <span class=\"small\">", r)]
    assert dated and all('class="overdue"' in r for r in dated
                         if dt.date.fromisoformat(re.search(r"(\d{4}-\d\d-\d\d) <span", r).group(1)) < later)
    assert any('class="overdue"' in r for r in dated)
