"""End-to-end in headless Chromium: a real running clip uploaded on the gait page → the job's
progress page → the results page with a playable annotated video; the comparison, self-test,
plan tick-off and job pages. Same server, browser and screenshot fixtures as test_web_browser."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

# The fixtures are shared by name (pytest passes them as the tests' arguments, hence the noqa: F811 below).
from tests.test_web_browser import browser, page, server, shoot  # noqa: F401

# Predicates are arrow functions: Playwright polls a bare expression string with eval, which the pages'
# Content-Security-Policy (no 'unsafe-eval') refuses.

CLIP = Path(__file__).parent / "data" / "gait" / "gaitlab_male_side" / "male_side.mp4"
KEYPOINTS = Path(__file__).parent / "data" / "gait" / "male_side.mediapipe.json"
CLIP_SECONDS = 7.0  # the full 12 s clip costs ~30 s of pose and VP8 encoding on two cores; 7 s holds ~20 steps


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> Path:
    """The first seconds of the real clip (re-encoded by OpenCV, which the analysis reads like a phone MP4)."""
    import cv2

    source = cv2.VideoCapture(str(CLIP))
    fps = source.get(cv2.CAP_PROP_FPS)
    size = (int(source.get(cv2.CAP_PROP_FRAME_WIDTH)), int(source.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    target = tmp_path_factory.mktemp("clip") / "treadmill run.mp4"
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for _ in range(int(CLIP_SECONDS * fps)):
        ok, frame = source.read()
        if not ok:
            break
        writer.write(frame)
    writer.release()
    source.release()
    return target


def _store_second_session(server_home: Path) -> None:
    """An earlier analysis (from the clip's keypoints) so the comparison has a 'before'."""
    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.pipeline import analyse_series, write_results
    from kneeguard.store import open_store, records

    result = analyse_series(read_keypoints_json(KEYPOINTS), None, "january.mp4", view="side", height_cm=178)
    summary, _ = write_results(result, server_home / "cli-out", athlete="me", source="january.mp4", video_name=None)
    with open_store(home=server_home) as store, store.write() as session:
        records.save_gait_session(session, "me", summary.to_dict(),
                                  dt.datetime(2026, 1, 10, 18, tzinfo=dt.timezone.utc), source="january.mp4")


def test_upload_a_real_clip_then_watch_the_annotated_video(server, page, shoot, short_clip, tmp_path):  # noqa: F811
    page.goto(server + "/gait")
    shoot(page, "gait-upload")
    page.set_input_files("#video", str(short_clip))
    page.select_option("#view", "side")
    page.fill("#height_cm", "178")
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
    assert page.is_visible("#job-progress")
    page.wait_for_function("() => document.getElementById('job-progress').value > 0.05", timeout=120_000)
    assert "treadmill run.mp4" in page.inner_text("h1")
    shoot(page, "gait-job")
    # The page follows the job by itself and opens the results when it is done.
    page.wait_for_url(re.compile(r"/gait/\d+$"), timeout=300_000)
    page.wait_for_function("() => document.getElementById('gait-video').readyState >= 2", timeout=30_000)
    video = page.evaluate("(() => { const v = document.getElementById('gait-video');"
                          " return {error: v.error && v.error.code, duration: v.duration, width: v.videoWidth}; })()")
    assert video["error"] is None and abs(video["duration"] - CLIP_SECONDS) < 1.0 and video["width"] > 300
    page.evaluate("document.getElementById('gait-video').play()")
    page.wait_for_function("() => document.getElementById('gait-video').currentTime > 0.3", timeout=30_000)
    page.evaluate("(() => { const v = document.getElementById('gait-video'); v.pause(); v.currentTime = 2.0; })()")
    page.wait_for_function("() => document.getElementById('gait-video').readyState >= 2")
    assert "cadence" in page.inner_text("#gait-metrics")
    page.wait_for_selector("#step-knee_flexion_ic_deg.drawn canvas")
    page.locator("#step-knee_flexion_ic_deg").scroll_into_view_if_needed()  # the pointer only hovers what is on screen
    plot = page.locator("#step-knee_flexion_ic_deg .u-over").bounding_box()
    page.mouse.move(plot["x"] + 2, plot["y"] + plot["height"] / 2)
    assert "Step 1" in page.inner_text("#step-knee_flexion_ic_deg .chart-readout")
    shoot(page, "gait-results")

    _store_second_session(tmp_path / "home")
    page.goto(server + "/gait/compare")
    assert "steps analysed" in page.inner_text("#gait-compare")
    shoot(page, "gait-compare")
    page.goto(server + "/gait")
    shoot(page, "gait-sessions")


def test_selftests_and_ticking_off_todays_session(server, page, shoot, tmp_path):  # noqa: F811
    import datetime as dt

    from kneeguard.store import athletes, open_store

    # a runner who began a week ago (the same data folder as `server`): the days just past had a plan to tick
    with open_store(home=tmp_path / "home") as store, store.write() as session:
        athletes.get_or_create(session, "me").created_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=8)
    page.goto(server + "/selftests")
    assert page.get_by_role("heading", name=re.compile("Single-leg heel raises")).is_visible()
    shoot(page, "selftests")
    page.goto(server + "/plan")
    # a session from an earlier day: pain during it and the next morning, in one plain form
    form = page.locator("#plan-calendar form.tick:has(select[name=pain_morning])").first
    form.locator("select[name=pain_during]").select_option("3")
    form.locator("select[name=pain_morning]").select_option("1")
    form.get_by_role("button", name=re.compile("^Done")).click()
    page.wait_for_selector("#plan-calendar .done")
    assert "pain 3/10 during, 1/10 next morning" in page.inner_text("#plan-calendar")
    assert "Your pain" in page.inner_text("#about-plan summary")  # the pain rule's verdict in words, with the values
    assert "Now:" in page.text_content("#pain-rule")  # and the rule itself, behind "How this plan was made"
    shoot(page, "plan-ticks")
    page.goto(server + "/")
    assert "pain 3/10" in page.inner_text("#recent-ticks")
    shoot(page, "dashboard-ticks")
