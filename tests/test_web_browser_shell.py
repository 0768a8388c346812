"""In headless Chromium over demo-like data (tests/web_demo_data.py): zero Content-Security-Policy
violations on every page at 1280 and 390 px, the folding phone menu, the clinician overview, the gait
quality explanation and a finished gait job opening its results. Screenshots as in test_web_browser."""
from __future__ import annotations

import re
import threading
import time

import pytest

# The fixtures are shared by name (pytest passes them as the tests' arguments, hence the noqa: F811 below).
from tests.test_web_browser import _uvicorn, browser, shoot  # noqa: F401
from tests import web_demo_data as demo

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
# Records every violation the page reports (the event fires for inline code, eval and blocked fetches alike).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    from kneeguard.web import create_app

    home = tmp_path_factory.mktemp("demo-web") / "home"
    ids = demo.build(home)
    app = create_app(home=home, background_jobs=False)
    with _uvicorn(app) as url:
        yield url, ids, app.state.store


def _page(browser, viewport):  # noqa: F811
    context = browser.new_context(viewport=viewport)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20_000)
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text
            or "Refused to" in m.text else None)
    return context, page, console


OWN_PAGES = {"/overview", "/athletes", "/explain", "/no-such-page"}


def _pages(ids) -> list[str]:
    return ["/", "/overview", "/athletes", "/profile", "/import", "/activities", f"/activities/{ids.activity_id}",
            "/load", "/checkin", "/plan", "/plan/edits", "/report", "/shoes", "/gait", f"/gait/{ids.gait_session_id}",
            "/gait/compare", "/notes", "/selftests", "/explain", "/explain/load.spike", "/no-such-page"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_no_page_breaks_the_content_security_policy(browser, demo_server, viewport):  # noqa: F811
    url, ids, _store = demo_server
    context, page, console = _page(browser, viewport)
    try:
        found = {}
        for path in _pages(ids):
            page.goto(url + path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(150)  # charts draw after load
            violations = page.evaluate("window.__cspViolations") + console
            console.clear()
            if violations:
                found[path] = violations
            if viewport is PHONE and path in OWN_PAGES:  # the shell's pages fit a phone without sideways scrolling
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        assert not found, found
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1000, 1280])
def test_the_header_is_one_row_at_every_width(browser, demo_server, width):  # noqa: F811
    """Folded below 1,180 px (a tablet or narrow window would otherwise wrap the 13 pages onto three rows),
    open in one row on a wide desktop."""
    url, _ids, _store = demo_server
    context, page, _console = _page(browser, {"width": width, "height": 900})
    try:
        page.goto(url + "/plan")
        assert page.locator("header.top").bounding_box()["height"] < 60, width
        assert page.is_visible("nav[aria-label=Main]") == (width > 1180)
    finally:
        context.close()


def test_phone_menu_folds_to_one_row_and_opens(browser, demo_server, shoot):  # noqa: F811
    url, _ids, _store = demo_server
    context, page, _console = _page(browser, PHONE)
    try:
        page.goto(url + "/overview")
        header = page.locator("header.top")
        assert header.bounding_box()["height"] < 60  # brand, Menu and the athlete: one row
        assert page.is_hidden("nav[aria-label=Main]")
        shoot(page, "nav-phone-collapsed")
        page.click("label.nav-toggle-label")
        assert page.is_visible("nav[aria-label=Main]")
        shoot(page, "nav-phone-open")
        page.get_by_role("link", name="Plan", exact=True).click()
        page.wait_for_url(re.compile(r"/plan$"))
        assert page.is_hidden("nav[aria-label=Main]")  # a new page starts folded
    finally:
        context.close()
    context, page, _console = _page(browser, DESKTOP)
    try:
        page.goto(url + "/")
        assert page.is_visible("nav[aria-label=Main]") and page.is_hidden("label.nav-toggle-label")
        assert page.locator("header.top").bounding_box()["height"] < 60
    finally:
        context.close()


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "overview-desktop"), (PHONE, "overview-phone")])
def test_overview_sorts_switches_and_fits(browser, demo_server, shoot, viewport, name):  # noqa: F811
    url, _ids, _store = demo_server
    context, page, _console = _page(browser, viewport)
    try:
        page.goto(url + "/overview")
        rows = page.locator("#overview tbody tr")
        assert rows.count() == 3
        assert demo.RUNNER in rows.first.inner_text()  # rising pain: most pressing first
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(page, name)
        page.get_by_role("link", name="Athlete", exact=True).first.click()
        page.wait_for_url(re.compile(r"sort=athlete"))
        assert demo.SECOND in rows.first.inner_text()  # by name, a to z
        page.get_by_role("button", name=f"Open {demo.SECOND}'s dashboard").click()
        page.wait_for_url(url + "/")
        assert demo.SECOND in page.inner_text("header .who")
    finally:
        context.close()


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "gait-quality-desktop"), (PHONE, "gait-quality-phone")])
def test_gait_quality_is_explained_where_it_is_shown(browser, demo_server, shoot, viewport, name):  # noqa: F811
    url, ids, _store = demo_server
    context, page, _console = _page(browser, viewport)
    try:
        context.add_cookies([{"name": "kneeguard_athlete", "value": demo.RUNNER, "url": url}])
        page.goto(url + f"/gait/{ids.gait_session_id}")
        box = page.locator("#gait-quality-explained")
        if not box.evaluate("e => e.open"):
            box.locator("summary").click()
        assert "Pose visibility" in box.inner_text() and "doubtful" in box.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box.scroll_into_view_if_needed()
        shoot(page, name)
    finally:
        context.close()


def test_a_gait_job_opens_its_results_when_it_finishes(browser, demo_server):  # noqa: F811
    from kneeguard.store import jobs

    url, ids, store = demo_server
    with store.write() as s:
        job_id = jobs.submit(s, demo.RUNNER, "gait_video", {"original_name": "clip.mp4"})
        attempt = jobs.claim_next(s, ("gait_video",)).attempt
    context, page, _console = _page(browser, DESKTOP)
    try:
        context.add_cookies([{"name": "kneeguard_athlete", "value": demo.RUNNER, "url": url}])
        page.goto(url + f"/jobs/{job_id}")
        assert "running" in page.inner_text("#job-status")

        def finish_soon():
            time.sleep(1.0)
            with store.write() as s:
                jobs.finish(s, job_id, attempt, {"gait_session_id": ids.gait_session_id,
                                                 "url": f"/gait/{ids.gait_session_id}"})

        worker = threading.Thread(target=finish_soon)
        worker.start()
        page.wait_for_url(url + f"/gait/{ids.gait_session_id}", timeout=20_000)  # the page's own polling
        worker.join()
        page.goto(url + f"/jobs/{job_id}")  # later visits go straight to the results too
        assert page.url == url + f"/gait/{ids.gait_session_id}"
    finally:
        context.close()
