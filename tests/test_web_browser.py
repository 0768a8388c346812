"""End-to-end flows in headless Chromium (Playwright) against a real uvicorn server."""
from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
uvicorn = pytest.importorskip("uvicorn")

FIT = Path(__file__).parent / "data" / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"
REPO_SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def server(tmp_path):
    """The app on a free loopback port, in a thread, over a fresh data folder."""
    from kneeguard.web import create_app

    with _uvicorn(create_app(home=tmp_path / "home")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


# A policy without 'unsafe-inline', added to a page's response by `with_strict_csp`: the pages must work under it.
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"


def with_strict_csp(route):
    """A page route: the page as the server sends it, with `STRICT_CSP` as its policy."""
    response = route.fetch()
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})


def open_watched(browser, url: str, width: int, route: str | None = None):
    """(context, page, problems): a fresh page `width` px wide on `url` under `STRICT_CSP` (for the `route`
    pattern, default the url itself), with every console error or warning and page error collected."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route(route or url, with_strict_csp)
    page.goto(url)
    return context, page, problems


@pytest.fixture()
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1000, "height": 800}, accept_downloads=True)
    p = context.new_page()
    p.set_default_timeout(20_000)
    yield p
    context.close()


@pytest.fixture()
def shoot(tmp_path):
    """Full-page screenshots: into docs/screenshots with KNEEGUARD_SAVE_SCREENSHOTS=1, else a temp dir."""
    folder = REPO_SHOTS if os.environ.get("KNEEGUARD_SAVE_SCREENSHOTS") == "1" else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        # Long pages (plan, report) are cut at 1600 px so the committed images stay small.
        width, height = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": min(height, 1600)})
        return path

    return take


def test_import_fit_then_activity_and_load_chart(server, page, shoot):
    page.goto(server + "/import")
    shoot(page, "import")
    page.set_input_files("#files", str(FIT))
    page.get_by_role("button", name="Import for me").click()
    page.wait_for_selector("#import-result")
    assert "imported" in page.inner_text("#import-result")
    shoot(page, "import-result")
    page.get_by_role("link", name="See activities").click()
    page.wait_for_selector("#activities")
    assert "2013-02-06 12:11" in page.inner_text("#activities")
    shoot(page, "activities")
    page.get_by_role("link", name="2013-02-06 12:11").click()
    page.wait_for_selector("#stream-charts canvas")
    shoot(page, "activity")
    page.goto(server + "/load")
    page.fill("#as_of", "2013-02-20")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#load-chart.drawn canvas")
    box = page.locator("#load-chart .u-over").bounding_box()
    assert box["width"] > 300
    page.mouse.move(box["x"] + box["width"] - 3, box["y"] + box["height"] / 2)  # the last week's numbers appear
    assert "Week of" in page.inner_text("#load-chart .chart-readout")
    shoot(page, "load")
    for path, name in (("/", "dashboard"), ("/plan", "plan"), ("/shoes", "shoes"), ("/gait", "gait"),
                       ("/athletes", "athletes"), ("/profile", "profile")):
        page.goto(server + path)
        shoot(page, name)


def test_checkin_with_chest_symptoms_shows_emergency(server, page, shoot):
    page.goto(server + "/checkin")
    assert "Step 1 of" in page.inner_text("#checkin-progress")
    assert page.is_hidden("#q-onset")  # branching: no pain yet, so no pain questions
    page.fill("#f-age", "41")
    page.check('#q-has_pain input[value="yes"]')
    assert page.is_visible("#q-onset")
    page.check('#q-has_pain input[value="no"]')
    assert page.is_hidden("#q-onset")
    shoot(page, "checkin")
    page.get_by_role("button", name="Next").click()
    page.wait_for_selector("#q-surgery")  # step 2: knee surgery and other special groups
    assert "Step 2 of" in page.inner_text("#checkin-progress")
    page.check('#q-surgery input[value="none"]')
    page.get_by_role("button", name="Next").click()
    page.wait_for_selector("#q-chest_symptoms")  # step 3: warning signs; earlier answers travel along
    assert "Step 3 of" in page.inner_text("#checkin-progress")
    page.check('#q-can_bear_weight_now input[value="yes"]')
    page.check('#q-locking input[value="no"]')
    page.check('#q-chest_symptoms input[value="yes"]')
    for qid in ("knee_warm_swollen", "knee_red", "fever_unwell", "calf_swelling", "calf_skin_red_warm", "calf_tender",
                "foot_cold_pale", "foot_drop", "exertional_calf_circulation", "exertional_calf_nerve", "saddle_bladder"):
        page.check(f'#q-{qid} input[value="no"]')
    assert page.is_hidden("#q-knee_injection_recent")
    page.check('#q-knee_red input[value="yes"]')
    assert page.is_visible("#q-knee_injection_recent")  # a follow-up appears only when relevant
    page.check('#q-knee_red input[value="no"]')
    page.check('#q-clot_risks input[value="none"]')
    for _ in range(8):  # the remaining optional steps
        if page.query_selector("#level-banner"):
            break
        page.locator(".step-buttons button").last.click()
        page.wait_for_load_state()
    banner = page.wait_for_selector("#level-banner.emergency")
    text = banner.inner_text()
    assert "EMERGENCY" in text and "Call emergency services now" in text
    shoot(page, "checkin-emergency")
    page.goto(server + "/")
    assert "Call emergency services now" in page.inner_text("main")


def test_report_download_html(server, page, shoot):
    page.goto(server + "/report")
    shoot(page, "report")
    with page.expect_download() as info:
        page.click("#report-html")
    download = info.value
    assert download.suggested_filename == "kneeguard-report-me.html"
    text = Path(download.path()).read_text("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html") and "me" in text
    page.goto(server + "/report/view")
    shoot(page, "report-view")


def test_phone_sized_screen(server, browser, shoot):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        p = context.new_page()
        p.goto(server + "/")
        # Nothing wider than the screen: no sideways scrolling of the whole page.
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(p, "dashboard-phone-new-runner")
        p.goto(server + "/checkin")
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        p.fill("#f-age", "41")
        p.check('#q-has_pain input[value="no"]')
        p.get_by_role("button", name="Next").click()
        p.wait_for_selector("#q-surgery")
        p.check('#q-surgery input[value="none"]')
        p.get_by_role("button", name="Next").click()
        p.wait_for_selector("#q-chest_symptoms")
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        assert p.is_visible(".step-buttons button >> nth=0")
        p.goto(server + "/report/view")  # the print-first report: a wide table scrolls in its own box
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_keyboard_reaches_navigation(server, page):
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/"




@contextlib.contextmanager
def _uvicorn(app):
    """`app` on a free loopback port in a thread; yields its base URL."""
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


def test_multi_user_athlete_cannot_open_another_athletes_activity(tmp_path, page, shoot):
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import accounts, import_sources, open_store
    from kneeguard.store.queries import list_activities
    from kneeguard.web import create_app

    store = open_store(home=tmp_path / "home")
    import_sources(store, iter_sources([FIT]), athlete="bob")
    with store.write() as s:
        accounts.create_user(s, "ana", "ana's long password", "athlete")
        accounts.create_user(s, "bob", "bob's long password", "athlete")
        bob_activity = list_activities(s, "bob")[0]["id"]
    with _uvicorn(create_app(store, multi_user=True)) as base:
        page.goto(f"{base}/activities/{bob_activity}")
        assert page.url.startswith(f"{base}/login")  # signed out: the login page first
        shoot(page, "login")
        page.fill("#login-username", "ana")
        page.fill("#login-password", "ana's long password")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        # Back at the wanted URL, as ana: refused like an activity that does not exist.
        assert page.url == f"{base}/activities/{bob_activity}"
        assert f"no activity with id {bob_activity}" in page.inner_text("main")
        assert "ana (athlete)" in page.text_content("header")  # in the menu, folded below 1,180 px
        response = page.goto(f"{base}/activities/{bob_activity}")
        assert response.status == 404
        shoot(page, "multi-user-refused")
        assert page.goto(f"{base}/activities").status == 200
        assert "2013-02-06 12:11" not in page.inner_text("main")  # bob's run is not listed for ana
        page.click("label.nav-toggle-label")  # the menu (with the account and Log out) is folded at 1,000 px
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(f"{base}/login")
    store.close()
