"""The dashboard's pain/load chart in headless Chromium at desktop (1280 px) and phone (390 px) widths:
uPlot draws its canvas, hovering reads a day out, no sideways scrolling; screenshots for docs/screenshots."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.test_web_browser import ARGS, CHROMIUM, REPO_SHOTS, _uvicorn, browser, with_strict_csp  # noqa: F401 - browser: the shared fixture

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory):
    from kneeguard.web import create_app
    from tests.dashboard_support import seed

    app = create_app(home=tmp_path_factory.mktemp("dash") / "home", background_jobs=False)
    seed(app.state.store, dt.date.today())
    with _uvicorn(app) as url:
        yield url


def _shot_folder(tmp_path) -> Path:
    folder = REPO_SHOTS if os.environ.get("KNEEGUARD_SAVE_SCREENSHOTS") == "1" else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width, name", [(1280, "dashboard-desktop"), (390, "dashboard-phone")])
def test_chart_renders_without_sideways_scroll(seeded_server, browser, tmp_path, width, name):  # noqa: F811 (the shared browser fixture)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(seeded_server + "/?period=3m")
        page.wait_for_selector("#pain-load-chart.drawn canvas")
        canvas = page.locator("#pain-load-chart canvas").bounding_box()
        assert canvas and canvas["width"] > 200 and canvas["height"] > 150
        assert canvas["x"] + canvas["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # hovering a day reads its numbers out (the spike run 10 days back is in the 3-month period)
        page.locator("#pain-load-chart").scroll_into_view_if_needed()
        box = page.locator("#pain-load-chart .u-over").bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
        assert " km" in page.inner_text("#pain-load-readout")
        page.get_by_role("button", name="Weekly").click()
        assert page.get_by_role("button", name="Weekly").get_attribute("aria-pressed") == "true"
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
        assert "week from" in page.inner_text("#pain-load-readout")
        page.get_by_role("button", name="Daily").click()
        page.mouse.move(0, 0)
        # a factor card opens to its evidence
        factor = page.locator("details.factor").first
        if factor.count():
            factor.locator("summary").click()
            assert factor.get_attribute("open") is not None
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert not errors, errors
        height = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(path=str(_shot_folder(tmp_path) / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(height, 2200)})
    finally:
        context.close()


def test_period_links_and_all_history(seeded_server, browser):  # noqa: F811 (the shared browser fixture)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(seeded_server + "/")
        page.get_by_role("link", name="4 weeks").click()
        page.wait_for_selector("#pain-load-chart.drawn canvas")
        assert "period=4w" in page.url
        assert page.get_by_role("link", name="4 weeks").get_attribute("aria-current") == "true"
        page.get_by_role("link", name="all").click()
        page.wait_for_selector("#pain-load-chart.drawn canvas")
    finally:
        context.close()


def test_chart_draws_under_a_csp_without_unsafe_inline(seeded_server, browser):  # noqa: F811 (the shared browser fixture)
    """The page needs no inline script or style: under a strict policy (added here to the page's
    response) the chart still draws and the browser reports no violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    try:
        page.route(seeded_server + "/", with_strict_csp)
        page.goto(seeded_server + "/")
        page.wait_for_selector("#pain-load-chart.drawn canvas", timeout=20_000)
        assert not violations, violations
    finally:
        context.close()
