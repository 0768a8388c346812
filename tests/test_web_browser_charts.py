"""The load page's weekly chart and the gait session's step charts in headless Chromium at desktop
(1280 px) and phone (390 px) width: uPlot draws them (a canvas, no hand-written SVG), the read-out
line shows the server's text for the pointed-at week or step, nothing scrolls sideways, and the pages
work under a Content-Security-Policy without 'unsafe-inline'."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.test_web_browser import ARGS, CHROMIUM, REPO_SHOTS, _uvicorn, browser, open_watched, sync_api  # noqa: F401 - skips as it does; browser: the shared fixture

DATA = Path(__file__).parent / "data"
FIT = DATA / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"
KEYPOINTS = DATA / "gait" / "male_side.mediapipe.json"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.pipeline import analyse_series, write_results
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import open_store, records
    from kneeguard.store.importer import import_sources
    from kneeguard.web import create_app

    home = tmp_path_factory.mktemp("charts-home")
    result = analyse_series(read_keypoints_json(KEYPOINTS), None, "treadmill.mp4", view="side", height_cm=178)
    summary, _ = write_results(result, home / "cli-out", athlete="me", source="treadmill.mp4", video_name=None)
    with open_store(home=home) as store:
        import_sources(store, iter_sources([FIT]), athlete="me")
        with store.write() as session:
            records.save_gait_session(session, "me", summary.to_dict(),
                                      dt.datetime(2026, 1, 10, 18, tzinfo=dt.timezone.utc), source="treadmill.mp4")
    with _uvicorn(create_app(home=home)) as url:
        yield url


def _check_layout(page, problems, width):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow} px of sideways scrolling at {width} px"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [p for p in problems if "Error" in p], problems


def _shot(page, tmp_path, name, part: str | None = None):
    """The whole page, or only `part` (a selector) where the page is long and the charts are the point."""
    folder = REPO_SHOTS if os.environ.get("KNEEGUARD_SAVE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    if part:
        page.locator(part).screenshot(path=str(folder / f"{name}.png"))
    else:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "name"), [(1280, "load-desktop"), (390, "load-phone")])
def test_load_chart_draws_and_reads_out_each_week(server, browser, tmp_path, width, name):  # noqa: F811 (the shared browser fixture)
    context, page, problems = open_watched(browser, server + "/load?as_of=2013-02-20", width)
    page.wait_for_selector("#load-chart.drawn canvas")
    assert page.locator("#load-chart svg.chart-svg").count() == 0
    box = page.locator("#load-chart .u-over").bounding_box()
    assert box["width"] > (600 if width > 500 else 200)
    bars = page.evaluate("JSON.parse(document.querySelector('#load-chart script.chart-data').textContent)")
    run_week = next(i for i, t in enumerate(bars["tips"]) if " in 1 run" in t)
    step = box["width"] / len(bars["x_labels"])
    page.mouse.move(box["x"] + step * (run_week + 0.5), box["y"] + box["height"] - 4)
    readout = page.inner_text("#load-chart .chart-readout")
    assert readout.startswith("Week of Mon 04 Feb 2013") and " km in 1 run" in readout
    # drag across the first weeks zooms in to them; a double-click shows every week again
    def week_at_right_edge():
        page.mouse.move(box["x"] + box["width"] - 3, box["y"] + 20)
        return page.inner_text("#load-chart .chart-readout")
    last_week = week_at_right_edge()
    assert last_week == bars["tips"][-1]
    page.mouse.move(box["x"] + 4, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + step * 2.5, box["y"] + 20, steps=5)
    page.mouse.up()
    assert week_at_right_edge() in bars["tips"][:3]
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + 20)
    assert week_at_right_edge() == last_week
    assert page.get_attribute("#load-chart-png", "href").startswith("/load/chart.png")
    _check_layout(page, problems, width)
    page.mouse.move(box["x"] + step * (run_week + 0.5), box["y"] + box["height"] - 4)
    _shot(page, tmp_path, name)
    context.close()


@pytest.mark.parametrize(("width", "name"), [(1280, "gait-session-charts"), (390, "gait-session-charts-phone")])
def test_gait_step_charts_draw_and_read_out_each_step(server, browser, tmp_path, width, name):  # noqa: F811 (the shared browser fixture)
    context, page, problems = open_watched(browser, server + "/gait/1", width)
    page.wait_for_selector("#step-knee_flexion_ic_deg.drawn canvas")
    charts = page.locator("figure.ichart")
    assert charts.count() >= 3 and page.locator("figure.ichart.drawn").count() == charts.count()
    page.locator("#step-knee_flexion_ic_deg").scroll_into_view_if_needed()
    box = page.locator("#step-knee_flexion_ic_deg .u-over").bounding_box()
    assert box["width"] > 250
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    readout = page.inner_text("#step-knee_flexion_ic_deg .chart-readout")
    assert readout.startswith("Step 1") and " deg" in readout
    _check_layout(page, problems, width)
    # drag across the first steps zooms in: the right edge then reads an early step; double-click zooms out
    page.mouse.move(box["x"] + 3, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + 10, steps=5)
    page.mouse.up()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    zoomed_step = int(page.inner_text("#step-knee_flexion_ic_deg .chart-readout").split()[1].rstrip(":"))
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + 10)
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    last_step = int(page.inner_text("#step-knee_flexion_ic_deg .chart-readout").split()[1].rstrip(":"))
    assert zoomed_step < last_step / 3, (zoomed_step, last_step)
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    _shot(page, tmp_path, name, part="#step-charts")
    context.close()
