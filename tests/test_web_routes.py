"""Route tests of the web app with FastAPI's TestClient: every page, bad input, traversal."""
from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

from kneeguard.web import create_app

FIT = Path(__file__).parent / "data" / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"
PAGES = ["/", "/athletes", "/profile", "/import", "/activities", "/load", "/checkin", "/plan", "/report",
         "/shoes", "/gait", "/notes", "/selftests"]
# Every warning sign answered "no", a healthy runner: the smallest complete check-in.
CALM_CHECKIN = {
    "age": "35", "has_pain": "no", "can_bear_weight_now": "yes", "locking": "no", "chest_symptoms": "no",
    "knee_warm_swollen": "no", "knee_red": "no", "fever_unwell": "no", "calf_swelling": "no",
    "calf_skin_red_warm": "no", "calf_tender": "no", "clot_risks": "none", "foot_cold_pale": "no", "foot_drop": "no",
    "exertional_calf_circulation": "no", "exertional_calf_nerve": "no", "saddle_bladder": "no",
}


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(home=tmp_path / "home", max_upload_mb=1)) as c:
        yield c


@pytest.fixture()
def imported(client):
    r = client.post("/import", files=[("files", ("run.fit", FIT.read_bytes(), "application/octet-stream"))])
    assert r.status_code == 200 and "imported" in r.text
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_navigation_and_disclaimer(client, path):
    r = client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert 'aria-label="Main"' in r.text and "not a diagnosis" in r.text
    assert "http://" not in r.text.split("<main")[0]  # no CDN assets in the head


def test_dashboard_without_checkin_says_so(client):
    r = client.get("/")
    assert "NO CHECK-IN" in r.text and "Start a check-in" in r.text


def test_unknown_page_and_activity_are_clear_404s(client):
    for path in ("/nope", "/activities/999"):
        r = client.get(path)
        assert r.status_code == 404 and "role=\"alert\"" in r.text
    assert "no activity with id 999" in client.get("/activities/999").text


def test_bad_query_values_are_400_not_500(client):
    assert client.get("/load?as_of=yesterday").status_code == 400
    assert "YYYY-MM-DD" in client.get("/load?as_of=yesterday").text
    assert client.get("/plan?weeks=30").status_code == 400
    assert client.get("/report/view?weeks=2").status_code == 400
    bad = client.get("/activities/abc")  # a page in words, not FastAPI's JSON (a coach)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    text = __import__("html").unescape(bad.text)
    assert "activity id 'abc': input should be a valid integer" in text and "int_parsing" not in text


@pytest.mark.parametrize("path", ["/?as_of=9999-12-31", "/?as_of=0001-01-01", "/load?as_of=9999-12-31",
                                  "/load?as_of=0001-01-01", "/plan?as_of=9999-12-30", "/plan.ics?as_of=9999-12-31",
                                  "/report/view?as_of=0001-01-01", "/overview?as_of=9999-12-31"])
def test_far_off_days_are_400_not_500(client, path):
    """A runner's date picker reached 9999-12-31 and 0001-01-01: the date arithmetic overflowed (a 500)."""
    r = client.get(path)
    assert r.status_code == 400, (path, r.status_code)
    assert "must be between 1989-01-01 and " in __import__("html").unescape(r.text)


def test_a_day_that_does_not_exist_is_named_as_such(client):
    text = __import__("html").unescape(client.get("/load?as_of=2026-02-30").text)
    assert "'2026-02-30' is not a day in the calendar" in text  # not "must be YYYY-MM-DD": it has that shape


@pytest.mark.parametrize("path", ["/activities/99999999999999999999999", "/gait/99999999999999999999999",
                                  "/activities/0"])
def test_ids_beyond_the_databases_range_are_a_page_not_a_500(client, path):
    r = client.get(path)  # SQLite's INTEGER overflowed (a runner)
    assert r.status_code == 422 and "kneeguard cannot use" in __import__("html").unescape(r.text)


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py",
                                  "/static/%2e%2e/%2e%2e/cli/common.py", "/static//etc/passwd"])
def test_static_files_refuse_path_traversal(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "create_app" not in r.text and "root:" not in r.text


def test_import_fit_then_activity_streams_load_chart(imported):
    rows = imported.get("/activities").text
    assert "2013-02-06 12:11" in rows
    detail = imported.get("/activities/1")
    assert detail.status_code == 200 and "Heart rate" in detail.text and "<polyline" in detail.text
    page = imported.get("/load?as_of=2013-02-20")
    assert 'id="load-chart"' in page.text
    png = imported.get("/load/chart.png?as_of=2013-02-20")
    assert png.headers["content-type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_import_reports_each_file_and_hides_temp_paths(client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("export/run.fit", FIT.read_bytes())
    r = client.post("/import", files=[
        ("files", ("bad.gpx", b"<nope/>", "application/gpx+xml")),
        ("files", ("../../evil.fit", b"junk", "application/octet-stream")),
        ("files", ("export.zip", archive.getvalue(), "application/zip")),
    ])
    assert r.status_code == 200
    assert "bad.gpx" in r.text and "st-error" in r.text and "export.zip" in r.text
    assert "kneeguard-upload-" not in r.text  # the temporary folder never shows
    assert "new activities: <strong>1</strong>" in r.text
    again = client.post("/import", files=[("files", ("run.fit", FIT.read_bytes(), "application/octet-stream"))])
    assert "duplicate" in again.text


def test_import_without_files_or_too_large_is_a_clear_message(client):
    r = client.post("/import", data={"x": "1"})
    assert r.status_code == 400 and "Choose at least one file" in r.text
    big = b"\0" * (2 * 1024 * 1024)
    r = client.post("/import", files=[("files", ("big.fit", big, "application/octet-stream"))])
    assert r.status_code == 413 and "limit of 1 MB" in r.text


def test_athletes_create_switch_and_bad_names(client):
    r = client.post("/athletes", data={"name": "Ana"}, follow_redirects=True)
    assert r.status_code == 200 and "<a href=\"/athletes\"><strong>Ana</strong>" in r.text
    dup = client.post("/athletes", data={"name": "Ana"})
    assert dup.status_code == 400 and "already exists" in dup.text
    assert client.post("/athletes", data={"name": "  "}).status_code == 400
    client.post("/athletes", data={"name": "Bob"})
    back = client.post("/athletes/select", data={"name": "Ana"}, follow_redirects=True)
    assert "<strong>Ana</strong>" in back.text
    assert client.post("/athletes/select", data={"name": "ghost"}).status_code == 404


def test_unknown_athlete_cookie_falls_back_to_default(client):
    client.cookies.set("kneeguard_athlete", "nobody")
    assert "<strong>me</strong>" in client.get("/").text


def test_profile_saves_and_rejects_out_of_range(client):
    r = client.post("/profile", data={"sex": "female", "birth_year": "1990", "height_cm": "170", "mass_kg": "60",
                                      "hr_max": "190", "hr_rest": "50"})
    assert r.status_code == 200 and "Profile saved" in r.text and 'value="170"' in r.text
    bad = client.post("/profile", data={"hr_max": "60", "hr_rest": "80"})
    assert bad.status_code == 400 and "must be" in bad.text
    assert client.post("/profile", data={"birth_year": "nineteen"}).status_code == 400


def test_checkin_form_is_generated_from_the_questions(client):
    from kneeguard.clinic import load_questionnaire

    qn = load_questionnaire()
    page = client.get("/checkin").text  # step 1: the first section only, with a progress indicator
    for q in qn.questions:
        assert (f'data-qid="{q.id}"' in page) == (q.section == qn.sections[0]["id"]), q.id
    assert "data-show-if=" in page and 'id="f-age"' in page and '<label for="f-age">' in page
    assert f"Step 1 of {len(qn.sections)}" in page and "<progress" in page and "<script>" not in page


def test_checkin_steps_carry_answers_and_go_back(client):
    from kneeguard.clinic import load_questionnaire

    qn = load_questionnaire()
    first = {"_step": "0", "_go": "next", "age": "35", "has_pain": "no"}
    missing = client.post("/checkin", data={"_step": "0", "_go": "next", "age": "35"})
    assert missing.status_code == 422 and "Please answer" in missing.text and "Step 1 of" in missing.text
    second = client.post("/checkin", data=first)
    assert second.status_code == 200 and "Step 2 of" in second.text and 'data-qid="surgery"' in second.text
    assert 'type="hidden" name="age" value="35"' in second.text and 'name="_go" value="back"' in second.text
    flags = {k: v for k, v in CALM_CHECKIN.items() if qn.by_id[k].section == "red_flags"}
    back = client.post("/checkin", data={**first, **flags, "_step": "1", "_go": "back"})
    assert "Step 1 of" in back.text and 'value="35"' in back.text
    answers, step, page = {**first, **flags, "surgery": "none"}, 1, second
    for _ in range(len(qn.sections)):
        page = client.post("/checkin", data={**answers, "_step": str(step), "_go": "next"})
        assert page.status_code == 200, page.text[:2000]
        if 'id="level-banner"' in page.text:
            break
        step = int(page.text.split('name="_step" value="')[1].split('"')[0])
    assert 'id="level-banner"' in page.text


def test_checkin_contradiction_is_shown_on_its_step(client):
    answers = CALM_CHECKIN | {"has_pain": "yes", "onset": "sudden_injury", "mechanism": "twist", "injury_days_ago": "1",
                              "ottawa_fibular_head": "no", "ottawa_patella_only": "no", "can_flex_90": "yes",
                              "deformity": "no", "location": "calf", "can_bear_weight_now": "no",
                              "could_bear_weight_after_injury": "yes", "last_run_days_ago": "0"}
    r = client.post("/checkin", data={**answers, "_step": "2", "_go": "next"})  # symptoms step
    assert r.status_code == 422 and "you ran today" in r.text


def test_checkin_calm_answers_give_self_care_and_dashboard_banner(client):
    assert "NO CHECK-IN" in client.get("/").text  # computed (and cached) before the check-in
    r = client.post("/checkin", data=CALM_CHECKIN)
    assert r.status_code == 200 and 'id="level-banner"' in r.text
    assert "EMERGENCY" not in r.text
    assert "NO CHECK-IN" not in client.get("/").text  # the new check-in is seen at once


def test_checkin_red_flag_is_emergency(client):
    client.get("/")
    r = client.post("/checkin", data=CALM_CHECKIN | {"chest_symptoms": "yes"})
    assert r.status_code == 200 and "EMERGENCY" in r.text and "Call emergency services now" in r.text
    chest = "Do you have chest pain, breathlessness or are you coughing blood?"  # answers shown in words
    assert "Answers that set this level:" in r.text and f"{chest} yes" in r.text  # issue #13
    assert "What would change the level" in r.text and f"{chest} no — would give" in r.text
    assert "chest_symptoms =" not in r.text
    assert "EMERGENCY" in client.get("/").text


def test_checkin_server_revalidates(client):
    missing = client.post("/checkin", data={"age": "35"})
    assert missing.status_code == 422 and "Please answer" in missing.text
    bad = client.post("/checkin", data=CALM_CHECKIN | {"age": "300"})
    assert bad.status_code == 422 and "out of range" in bad.text
    # named by its question as the person read it, not by its id (a runner saw 'leg_length_diff_cm: ...')
    assert "How old are you?: &#39;300&#39; is out of range (10-100 years)" in bad.text and "age: " not in bad.text
    # A branch answer that does not apply (no pain) is ignored, not trusted.
    ignored = client.post("/checkin", data=CALM_CHECKIN | {"side": "left"})
    assert ignored.status_code == 200
    contradiction = client.post("/checkin", data=CALM_CHECKIN | {"pain_now": "9"})
    assert contradiction.status_code == 422 and "pain score above 0" in contradiction.text
    clash = client.post("/checkin", data={k: v for k, v in CALM_CHECKIN.items()} | {"clot_risks": ["none", "cancer"]})
    assert clash.status_code == 422 and "cannot be combined" in clash.text


def test_plan_page_and_calendar(client):
    page = client.get("/plan").text
    assert 'id="plan-calendar"' in page and page.count('class="week"') >= 6  # a row per week
    ics = client.get("/plan.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert ics.content.startswith(b"BEGIN:VCALENDAR") and "attachment" in ics.headers["content-disposition"]
    athlete = re.search(rb"X-WR-CALNAME:kneeguard plan \xe2\x80\x94 (.+?)\r", ics.content).group(1).decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", athlete).strip("-")
    assert f'filename="kneeguard-plan-{slug}.ics"' in ics.headers["content-disposition"]  # a coach's many downloads


def test_report_html_download(imported):
    r = imported.get("/report/download.html")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    assert r.text.lstrip().lower().startswith("<!doctype html")
    # a runner's try: the full report and the two-page summary downloaded under the same name
    summary = imported.get("/report/download.html?summary_only=true").headers["content-disposition"]
    assert summary.endswith('-summary.html"') and not r.headers["content-disposition"].endswith('-summary.html"')


def test_report_pdf_missing_engine_is_clear(client, monkeypatch):
    from kneeguard.report import pdf

    def no_engine(*_args, **_kwargs):
        raise pdf.PdfEngineMissing("no PDF engine installed")

    monkeypatch.setattr(pdf, "write_pdf", no_engine)
    r = client.get("/report/download.pdf")
    assert r.status_code == 503 and "print it" in r.text


def test_shoes_add_retire_and_errors(client):
    r = client.post("/shoes", data={"name": "Pegasus", "start_km": "120", "alert_km": ""}, follow_redirects=True)
    assert r.status_code == 200 and "Pegasus" in r.text and "Retire Pegasus" in r.text
    assert client.post("/shoes", data={"name": "X", "start_km": "lots"}).status_code == 400
    assert client.post("/shoes", data={"name": "Pegasus"}).status_code == 400  # duplicate
    r = client.post("/shoes/retire", data={"name": "Pegasus"}, follow_redirects=True)
    assert "retired" in r.text and "Retire Pegasus" not in r.text
    assert client.post("/shoes/retire", data={"name": "Ghost"}).status_code == 404


def test_cross_site_form_posts_are_refused(client):
    r = client.post("/athletes", data={"name": "Eve"}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    ok = client.post("/athletes", data={"name": "Eve"}, headers={"Origin": "http://testserver"})
    assert ok.status_code in (200, 303)


def test_templates_escape_user_text(client):
    client.post("/athletes", data={"name": "<script>alert(1)</script>"})
    page = client.get("/athletes").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_gait_page_lists_sessions(client, tmp_path):
    from kneeguard.store.records import save_gait_session

    store = client.app.state.store
    with store.write() as session:
        save_gait_session(session, "me", {"findings": [{"code": "gait.overstride", "severity": "moderate", "title": "Overstride"}]},
                          source="treadmill.mp4")
    page = client.get("/gait").text
    assert "treadmill.mp4" in page and "Overstride" in page
    assert "kneeguard gait" not in page and 'action="/gait/upload"' in page  # the web does it: no terminal hint


def test_serve_command_checks_its_options(monkeypatch, tmp_path):
    import typer
    from typer.testing import CliRunner

    from kneeguard.cli import serve_cmd

    app = typer.Typer()
    serve_cmd.register(app)
    app.command("noop")(lambda: None)  # two commands keep `serve` as a sub-command
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--port", "0", "--home", str(tmp_path)]).exit_code == 2
    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app_, host, port, log_level: started.update(host=host, port=port))
    result = runner.invoke(app, ["serve", "--port", "8123", "--home", str(tmp_path)])
    assert result.exit_code == 0 and started == {"host": "127.0.0.1", "port": 8123}
    assert "http://127.0.0.1:8123/" in result.output


def test_the_self_tests_page_says_which_leg_is_longer_in_words(client):
    """A runner saw the stored value 'right' beside 'Which leg measured longer?'."""
    done = client.post("/checkin", data=CALM_CHECKIN | {"leg_length_diff_cm": "1.5", "leg_length_longer": "right"})
    assert done.status_code == 200
    page = client.get("/selftests").text
    row = page[page.index("Which leg measured longer?"):][:200]
    assert "Right" in row and ">right" not in row
    # the norms in the registry's words are for a clinician: folded, their source markers spelled out
    assert "What it is compared with, and the sources (for a clinician)" in page and "<li>[S] " not in page


def test_the_next_check_in_starts_with_the_answers_that_stay_true(client):
    """A runner asked why each weekly check-in asks ~80 questions again: age, sex and history are filled in from
    the latest check-in (and can be changed); warning signs and symptoms are asked afresh."""
    from kneeguard.web.checkin_pages import REMEMBERED

    assert 'value="35"' not in client.get("/checkin").text  # no check-in yet: nothing filled in
    client.post("/checkin", data=CALM_CHECKIN | {"sex": "female", "years_running": "4"})
    page = client.get("/checkin").text
    assert 'value="35"' in page and 'value="female" checked' in page
    assert '<input type="hidden" name="years_running" value="4.0"' in page  # a later step's answer, carried
    assert not set(REMEMBERED) & {"chest_symptoms", "calf_swelling", "pain_now", "has_pain"}
    assert 'name="chest_symptoms" value="no" checked' not in page


def test_the_check_in_result_says_when_its_answers_disagree_with_the_profile(tmp_path):
    """Read 36: the plan and summary noted a check-in of a 44-year-old man in a 38-year-old woman's profile; the
    result page the runner reads first now does too, with a link to the profile."""
    from kneeguard.store import athletes, open_store

    home = tmp_path / "home"
    with open_store(home=home) as store, store.write() as session:
        athletes.create(session, "me", sex="female", birth_year=1988)
    with TestClient(create_app(home=home)) as c:
        r = c.post("/checkin", data=CALM_CHECKIN | {"age": "44", "sex": "male"})
        assert r.status_code == 200, r.text[:300]
        note = re.search(r'<p class="alert note" id="profile-note">(.*?)</p>', r.text, re.S)
        assert note and "sex male (profile: female)" in note.group(1) and 'href="/profile"' in note.group(1)
        # read 46: the self-care level and its dates read as settled before the note questioned the check-in
        condition = re.search(r'<p class="level-condition" id="level-condition"><strong>(.*?)</strong>', r.text)
        assert condition and condition.group(1) == "This holds once the check-in is confirmed as yours and about " \
            "this knee (see the notes)."
        assert r.text.index('id="level-condition"') < r.text.index('id="profile-note"')
        calm = c.post("/checkin", data=CALM_CHECKIN | {"age": "38", "sex": "female"})
        assert 'id="profile-note"' not in calm.text and 'id="level-condition"' not in calm.text


def test_the_plan_page_says_a_profile_conflict_first_and_lists_the_plans_notes(tmp_path):
    """Read 38: the plan's profile-conflict note belongs before its distances; the web plan showed no notes at all."""
    from kneeguard.store import athletes, open_store

    home = tmp_path / "home"
    with open_store(home=home) as store, store.write() as session:
        athletes.create(session, "me", sex="female", birth_year=1988)
    with TestClient(create_app(home=home)) as c:
        assert c.post("/checkin", data=CALM_CHECKIN | {"age": "44", "sex": "male"}).status_code == 200
        page = c.get("/plan").text
    note = re.search(r'<p class="alert note" id="profile-note">(.*?)</p>', page, re.S)
    assert note and "Your check-in says sex male (profile: female)" in note.group(1)
    assert page.index('id="profile-note"') < page.index('id="plan-calendar"')
    assert page.count("Your check-in says sex male") == 1  # not again among the notes below
    # read 47: the first week stood in the calendar as if the note were not there
    assert page.count('id="waits-for-notes"') == 1 and "· if the check-in is yours and about this knee" in page
