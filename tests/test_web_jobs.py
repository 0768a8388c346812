"""Routes of the background-job features: gait upload → job page → results, video and files,
before/after, big imports as jobs, plan ticks, self-tests, the interactive load chart.
Every id in a URL must resolve only within the current athlete's data."""
from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kneeguard.advice.session import KIND_WORDS
from kneeguard.web import create_app

DATA = Path(__file__).parent / "data"
FIT = DATA / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"
KEYPOINTS = DATA / "gait" / "male_side.mediapipe.json"


@pytest.fixture()
def app(tmp_path):
    # The worker is driven by the tests (run_pending), in this thread, so nothing depends on timing.
    application = create_app(home=tmp_path / "home", max_upload_mb=1, background_jobs=False)
    from kneeguard.jobs import JobWorker

    application.state.test_worker = JobWorker(application.state.store, isolate=False)
    return application


@pytest.fixture()
def client(app):
    with TestClient(app) as c:
        yield c


def _switch(client, name: str) -> None:
    client.post("/athletes", data={"name": name})
    client.cookies.set("kneeguard_athlete", name)


def _job_url(response) -> str:
    assert response.status_code == 303, response.text[:500]
    url = response.headers["location"]
    assert re.fullmatch(r"/jobs/[0-9a-f]{32}", url)
    return url


def _upload(client, name="run.mp4", body=b"not really a video", **fields):
    return client.post("/gait/upload", files=[("video", (name, body, "video/mp4"))], data=fields,
                       follow_redirects=False)


# ---------------------------------------------------------------- gait upload and its job
def test_gait_page_offers_the_upload_form_and_the_guide(client):
    page = client.get("/gait").text
    assert 'action="/gait/upload"' in page and 'name="video"' in page and "Camera SIDE-ON" in page


@pytest.mark.parametrize(("fields", "needle"), [
    ({"view": "top"}, "camera view"), ({"height_cm": "tall"}, "Height must be a number"),
    ({"height_cm": "20"}, "between 100 and 230"), ({"slowmo": "0.5"}, "between 1 and 64"),
])
def test_gait_upload_refuses_bad_options(client, app, fields, needle):
    r = _upload(client, **fields)
    assert r.status_code == 400 and needle in r.text
    assert not (Path(app.state.store.home) / "jobs").exists() or not any((Path(app.state.store.home) / "jobs").iterdir())


def test_gait_upload_refuses_non_videos_missing_files_and_big_ones(client):
    assert "not a video kneeguard reads" in _upload(client, name="notes.txt").text
    r = client.post("/gait/upload", data={"view": "side"}, follow_redirects=False)
    assert r.status_code == 400 and "Choose a video file" in r.text
    big = _upload(client, body=b"x" * (1024 * 1024 + 10))
    assert big.status_code == 413 and "larger than the limit" in big.text


def test_gait_upload_saves_under_a_generated_name_and_queues_a_job(client, app):
    url = _job_url(_upload(client, name="../../../etc/evil name.mp4", view="side", height_cm="178"))
    job_id = url.rsplit("/", 1)[1]
    folder = Path(app.state.store.home) / "jobs" / job_id
    assert [p.name for p in folder.iterdir()] == ["video.mp4"]
    page = client.get(url)
    assert page.status_code == 200 and "queued" in page.text and "evil name.mp4" in page.text
    assert '<noscript><meta http-equiv="refresh"' in page.text and "/etc/" not in page.text
    status = client.get(url + "/status").json()
    assert status == {"status": "queued", "progress": 0.0, "message": "waiting for the worker", "finished": False,
                      "result_url": None}


def test_a_video_that_cannot_be_read_fails_with_one_clear_line(client, app):
    url = _job_url(_upload(client, view="side"))
    assert app.state.test_worker.run_pending() == 1
    page = client.get(url)
    assert "failed" in page.text and "not a video OpenCV can read" in page.text
    assert "Traceback" not in page.text and 'http-equiv="refresh"' not in page.text
    assert client.get(url + "/status").json()["finished"] is True


def test_jobs_of_another_athlete_and_bad_ids_are_404(client):
    url = _job_url(_upload(client))
    _switch(client, "bob")
    for path in (url, url + "/status", "/jobs/" + "0" * 32, "/jobs/..%2f..%2fetc", "/jobs/NOTHEX"):
        r = client.get(path)
        assert r.status_code == 404, path
    assert url not in client.get("/gait").text


# ---------------------------------------------------------------- gait results
def _analysed_session(app, athlete: str = "me", with_video: bool = True, when=None) -> int:
    """A stored session as the gait job leaves it: summary with outputs_id, files in <home>/gait/<id>."""
    import cv2
    import numpy as np

    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.pipeline import analyse_series, write_results
    from kneeguard.store import records
    from kneeguard.store.jobs import new_job_id

    store = app.state.store
    outputs_id = new_job_id()
    out = Path(store.home) / "gait" / outputs_id
    result = analyse_series(read_keypoints_json(KEYPOINTS), None, "clip.mp4", view="side", height_cm=178)
    summary, _ = write_results(result, out, athlete=athlete, source="clip.mp4", video_name=None)
    if with_video:
        writer = cv2.VideoWriter(str(out / "annotated.webm"), cv2.VideoWriter_fourcc(*"VP80"), 30, (64, 64))
        for _ in range(10):
            writer.write(np.zeros((64, 64, 3), np.uint8))
        writer.release()
    stored = {**summary.to_dict(), "outputs_id": outputs_id}
    with store.write() as session:
        return records.save_gait_session(session, athlete, stored, when, source="clip.mp4")


def test_session_page_shows_video_metrics_findings_and_step_charts(client, app):
    sid = _analysed_session(app)
    page = client.get(f"/gait/{sid}")
    assert page.status_code == 200
    text = page.text
    assert f'src="/gait/{sid}/files/video#t=0.1"' in text and "<video" in text
    assert 'id="gait-metrics"' in text and "knee flexion at landing" in text
    assert "per step" in text and 'class="ichart" id="step-knee_flexion_ic_deg"' in text
    charts = [json.loads(block) for block in
              re.findall(r'<script type="application/json" class="chart-data">(.*?)</script>', text, re.S)]
    assert charts and all(c["tips"][0].startswith("Step 1") for c in charts)
    assert f"/gait/{sid}/files/knee_angle.png" in text
    video = client.get(f"/gait/{sid}/files/video", headers={"Range": "bytes=0-9"})
    assert video.status_code == 206 and video.headers["content-type"] == "video/webm"
    assert client.get(f"/gait/{sid}/files/knee_angle.png").headers["content-type"] == "image/png"
    csv = client.get(f"/gait/{sid}/files/steps.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]


@pytest.mark.parametrize("name", ["keypoints.json", "..%2fsummary.json", "annotated.webm", "steps.json", "x"])
def test_session_files_are_a_short_whitelist(client, app, name):
    sid = _analysed_session(app)
    assert client.get(f"/gait/{sid}/files/{name}").status_code == 404


def test_another_athletes_session_and_files_are_404(client, app):
    sid = _analysed_session(app, athlete="bob")
    _switch(client, "me")  # chosen: without a choice the app opens on bob, the athlete with data
    for path in (f"/gait/{sid}", f"/gait/{sid}/files/video", f"/gait/{sid}/files/summary.json",
                 f"/gait/compare?before={sid}&after={sid}", "/gait/999"):
        assert client.get(path).status_code == 404, path


def test_a_command_line_session_has_no_video_but_a_page(client, app):
    from kneeguard.store import records

    with app.state.store.write() as s:
        sid = records.save_gait_session(s, "me", {"n_steps": 8, "cadence_spm": 170.0, "findings": []},
                                        source="/home/me/run.mp4")
    page = client.get(f"/gait/{sid}").text
    assert "<video" not in page and "command line" in page
    assert client.get(f"/gait/{sid}/files/video").status_code == 404


def test_before_after_comparison_uses_the_two_latest_by_default(client, app):
    assert "needs two gait analyses" in client.get("/gait/compare").text
    first = _analysed_session(app, when=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc))
    second = _analysed_session(app, with_video=False, when=dt.datetime(2026, 3, 5, tzinfo=dt.timezone.utc))
    page = client.get("/gait/compare").text
    assert 'id="gait-compare"' in page and f'href="/gait/{first}"' in page and f'href="/gait/{second}"' in page
    assert "cadence change +0.0 %" in page.lower()
    assert client.get(f"/gait/compare?before={second}&after={first}").status_code == 200
    assert client.get("/gait/compare?before=abc&after=1").status_code == 422


# ---------------------------------------------------------------- big imports as jobs
def test_a_big_import_runs_as_a_job_with_its_result_table(client, app):
    app.state.background_import_bytes = 0  # every upload counts as big here
    r = client.post("/import", files=[("files", ("run.fit", FIT.read_bytes(), "application/octet-stream"))],
                    follow_redirects=False)
    url = _job_url(r)
    assert "Import" in client.get(url).text
    app.state.test_worker.run_pending()
    page = client.get(url).text
    assert 'id="import-result"' in page and "run.fit" in page and "imported: 1" in page
    assert "2013-02-06 12:11" in client.get("/activities").text
    assert url in client.get("/import").text  # listed under the background imports


def test_small_imports_stay_synchronous(client):
    r = client.post("/import", files=[("files", ("run.fit", FIT.read_bytes(), "application/octet-stream"))])
    assert r.status_code == 200 and 'id="import-result"' in r.text


# ---------------------------------------------------------------- plan ticks
def _today() -> str:
    return dt.date.today().isoformat()


def _tickable(client) -> tuple[str, str]:
    """The latest recent (day, session kind) the plan offers with a tick form (today may be a rest day:
    exercise sessions are no longer daily)."""
    found = re.findall(r'name="day" value="([0-9-]+)"><input type="hidden" name="kind" value="([a-z_]+)"',
                       client.get("/plan").text)
    found = [(day, kind) for day, kind in found if day <= _today()]
    assert found, "the plan offers no recent session to tick off"
    return max(found)


def test_tick_a_session_with_pain_then_undo(client):
    day, kind = _tickable(client)
    r = client.post("/plan/done", data={"day": day, "kind": kind, "pain_during": "4"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plan#day-{day}"
    assert "✓ done, pain 4/10 during" in client.get("/plan").text
    dashboard = client.get("/").text
    assert 'id="recent-ticks"' in dashboard and "pain 4/10" in dashboard
    client.post("/plan/undo", data={"day": day, "kind": kind})
    assert "pain 4/10" not in client.get("/plan").text


@pytest.mark.parametrize(("data", "needle"), [
    ({"day": "", "kind": "run"}, "day is missing"), ({"day": "soon", "kind": "run"}, "YYYY-MM-DD"),
    ({"day": (dt.date.today() + dt.timedelta(days=30)).isoformat(), "kind": "run"}, "still to come"),
    ({"day": "2999-01-01", "kind": "run"}, "must be between"), ({"day": "2001-01-01", "kind": "run"}, "too long ago"),
    ({"kind": "rest"}, "unknown plan session"), ({"kind": "nap"}, "unknown plan session"),
    ({"kind": "run", "pain_during": "11"}, "0 to 10"), ({"kind": "run", "pain_during": "-1"}, "0 to 10"),
    ({"kind": "run", "pain_morning": "x"}, "0 to 10"),
    ({"kind": "run", "pain_morning": "2"}, "record the next-morning pain then"),  # today's morning-after is to come
])
def test_bad_ticks_are_400(client, data, needle):
    r = client.post("/plan/done", data={"day": _today(), **data})
    assert r.status_code == 400 and needle in r.text


def test_a_tick_never_redirects_off_site(client):
    r = client.post("/plan/done", data={"day": _today(), "kind": "run", "back": "https://evil.example/"},
                    follow_redirects=False)
    assert r.headers["location"].startswith("/plan")
    r = client.post("/plan/done", data={"day": _today(), "kind": "run", "back": "/"}, follow_redirects=False)
    assert r.headers["location"] == "/"


def test_ticks_belong_to_the_current_athlete(client):
    client.post("/plan/done", data={"day": _today(), "kind": "strength", "pain_during": "7"})
    _switch(client, "bob")
    assert "pain 7/10" not in client.get("/plan").text and "pain 7/10" not in client.get("/").text


# ---------------------------------------------------------------- self-tests and the load chart
def test_selftests_page_has_instructions_norms_and_latest_results(client):
    page = client.get("/selftests").text
    assert "Single-leg heel raises" in page and "metronome" in page and "Hebert-Losier K et al." in page
    assert page.count("Not recorded yet.") == 6
    answers = {"age": "35", "has_pain": "no", "can_bear_weight_now": "yes", "locking": "no", "chest_symptoms": "no",
               "knee_warm_swollen": "no", "knee_red": "no", "fever_unwell": "no", "calf_swelling": "no",
               "calf_skin_red_warm": "no", "calf_tender": "no", "clot_risks": "none", "foot_cold_pale": "no",
               "foot_drop": "no", "exertional_calf_circulation": "no", "exertional_calf_nerve": "no",
               "saddle_bladder": "no", "bridge_left": "12"}
    assert client.post("/checkin", data=answers).status_code == 200
    page = client.get("/selftests").text
    assert page.count("Not recorded yet.") == 5 and "poor" in page and dt.date.today().isoformat() in page


def test_load_chart_is_uplot_data_with_a_read_out_per_week(client):
    client.post("/import", files=[("files", ("run.fit", FIT.read_bytes(), "application/octet-stream"))])
    page = client.get("/load?as_of=2013-02-20").text
    assert '<figure class="ichart" id="load-chart"' in page and "/static/index_charts.js" in page
    data = json.loads(re.search(r'<script type="application/json" class="chart-data">(.*?)</script>', page, re.S)[1])
    assert len(data["tips"]) == len(data["x_labels"]) and any(" km in 1 run" in t for t in data["tips"])
    assert all(len(s["values"]) == len(data["x_labels"]) for s in data["series"])
    assert "<svg viewBox=\"0 0 720" not in page  # no hand-drawn chart any more
    assert "/load/chart.png" in page


def test_pain_above_the_band_after_a_ticked_session_holds_the_plan(client):
    day, kind = _tickable(client)
    client.post("/plan/done", data={"day": day, "kind": kind, "pain_during": "7"})
    # the cached advice is recomputed (ticks are part of its fingerprint) and says why it holds
    assert "7/10 during your" in client.get("/plan").text


def _decision(client) -> str:
    found = re.search(r'id="pain-rule".*?Now: <strong>([a-z ]+)</strong>', client.get("/plan").text, re.S)
    assert found, "the plan page states the pain rule's decision"
    return found.group(1)


def test_ticking_with_pain_changes_the_next_sessions_by_the_pain_rule(app, client):
    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic.history import CheckinRecord
    from tests.advice_support import BASE_ANSWERS

    # a check-in three days ago that kept the pain rule (3/10 during, 1/10 next morning)
    answers = {**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1}
    save_checkin(CheckinRecord(dt.date.today() - dt.timedelta(days=3), answers, "self-care"), "me",
                 store=app.state.store)
    assert _decision(client) == "progress"
    # the latest day since the check-in with a session (the run days are fixed weekdays: yesterday may have none)
    page = client.get("/plan").text
    found = next(filter(None, (re.search(rf'name="day" value="{day}"><input type="hidden" name="kind" value="([a-z_]+)"',
                                         page) for day in ((dt.date.today() - dt.timedelta(days=n)).isoformat()
                                                           for n in (1, 2, 3)))), None)
    assert found, "the plan offers a session to tick off from the days since the check-in"
    ticked_day = re.search(r'value="([0-9-]+)"', found.group(0)).group(1)
    kind = found.group(1)
    client.post("/plan/done", data={"day": ticked_day, "kind": kind, "pain_during": "3"})
    assert _decision(client) == "progress"
    # the next-morning pain is added to the ticked session with the form shown beside it
    assert 'class="inline tick morning"' in client.get("/plan").text
    client.post("/plan/done", data={"day": ticked_day, "kind": kind, "pain_morning": "4"})
    assert _decision(client) == "step back"  # not settled, 3 points above the check-in's 1/10
    client.post("/plan/done", data={"day": ticked_day, "kind": kind, "pain_morning": "2"})
    assert _decision(client) == "progress"  # settled after all (ticking again corrects it)
    assert "pain 3/10 during, 2/10 next morning" in client.get("/").text
    client.post("/plan/done", data={"day": ticked_day, "kind": kind, "pain_during": "7"})
    page = client.get("/plan").text
    assert _decision(client) == "step back" and f"7/10 during your {KIND_WORDS[kind]} session" in page
