"""The activity page in headless Chromium at desktop (1280 px) and phone (390 px) width: the uPlot
stream charts draw, the hover read-out and linked cursors follow the pointer, drag zooms every chart,
the axis switches to distance, the route is drawn, nothing scrolls sideways, and the page works under
a Content-Security-Policy without 'unsafe-inline'."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_web_browser import ARGS, CHROMIUM, REPO_SHOTS, _uvicorn, browser, open_watched, sync_api  # noqa: F401 - skips as it does; browser: the shared fixture

FIT = Path(__file__).parent / "data" / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import athletes, open_store
    from kneeguard.store.importer import import_sources
    from kneeguard.web import create_app

    home = tmp_path_factory.mktemp("activity-home")
    with open_store(home=home) as store:
        import_sources(store, iter_sources([FIT]), athlete="me")
        with store.write() as s:
            athletes.get(s, "me").hr_max = 188.0
    with _uvicorn(create_app(home=home)) as url:
        yield url


@pytest.mark.parametrize(("width", "name"), [(1280, "activity-desktop"), (390, "activity-phone")])
def test_activity_page_charts_route_and_layout(server, browser, tmp_path, width, name):  # noqa: F811 (the shared browser fixture)
    context, page, problems = open_watched(browser, server + "/activities/1", width, route="**/activities/1")
    page.wait_for_selector("#stream-charts canvas")
    charts = page.locator("#stream-charts .stream-chart")
    assert charts.count() == 3  # heart rate, pace, elevation
    assert [charts.nth(i).get_attribute("data-stream") for i in range(3)] == ["heart_rate", "pace", "elevation"]
    box = page.locator("#stream-charts .u-over").first.bounding_box()
    assert box["width"] > (300 if width > 500 else 250)

    # hover: one read-out for every stream, and the other charts' cursors follow
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    readout = page.inner_text("#stream-readout")
    assert "elapsed" in readout and "Heart rate" in readout and "Pace" in readout and "km ·" in readout
    cursors = page.eval_on_selector_all("#stream-charts .u-cursor-x",
                                        "els => els.map(e => Math.round(e.getBoundingClientRect().left))")
    assert len(set(cursors)) == 1 and cursors[0] > box["x"] + 10  # linked: one vertical line through all

    # drag across the first chart: every chart zooms, and the whole activity is one click away
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + 20, steps=5)
    page.mouse.up()
    assert page.is_visible("#stream-reset")
    second = page.locator("#stream-charts .u-over").nth(1).bounding_box()
    page.mouse.move(second["x"] + 2, second["y"] + second["height"] / 2)  # the left edge of another chart
    minutes = int(page.inner_text("#stream-readout").split(" elapsed")[0].split(":")[0])
    assert minutes >= 5, "the other charts did not zoom with the first (their left edge is still the start)"
    page.click("#stream-reset")
    assert page.is_hidden("#stream-reset")

    # distance on the x-axis
    page.check('input[name="stream-x"][value="distance"]')
    page.wait_for_selector("#stream-charts canvas")
    box = page.locator("#stream-charts .u-over").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.5)
    assert "km" in page.inner_text("#stream-readout")

    assert page.locator("#route svg polyline").count() == 1
    assert page.locator("#route circle.route-start").count() == 1
    assert page.locator("#splits tbody tr").count() == 5 and "/km" in page.inner_text("#splits")
    assert page.locator("#zones progress").count() == 6
    assert page.inner_text("#source-file") == FIT.name
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow} px of sideways scrolling at {width} px"
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not [p for p in problems if "Error" in p], problems

    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)  # a read-out in the picture
    folder = REPO_SHOTS if os.environ.get("KNEEGUARD_SAVE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    context.close()
