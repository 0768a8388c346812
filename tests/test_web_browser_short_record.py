"""The load page of a runner whose record holds fewer than the spike window's days before its spikes:
the chart draws those weeks as 'not judged' (its own colour and legend entry), the findings say why
they are uncertain, at desktop (1280 px) and phone (390 px) width with nothing scrolling sideways.
KNEEGUARD_SAVE_SCREENSHOTS=1 writes docs/screenshots/load-short-record-desktop.png and -phone.png."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.test_web_browser import ARGS, CHROMIUM, REPO_SHOTS, _uvicorn, browser, open_watched, sync_api  # noqa: F401 - skips as it does; browser: the shared fixture

AS_OF = dt.date(2025, 7, 3)
# four and a half weeks from the first run: the early spikes have fewer than 30 days of record before them
RUNS = [(dt.date(2025, 5, 26), 8), (dt.date(2025, 5, 28), 10), (dt.date(2025, 5, 31), 12), (dt.date(2025, 6, 3), 10),
        (dt.date(2025, 6, 7), 14), (dt.date(2025, 6, 10), 10), (dt.date(2025, 6, 14), 14), (dt.date(2025, 6, 18), 12),
        (dt.date(2025, 6, 21), 15), (dt.date(2025, 6, 25), 10), (dt.date(2025, 6, 28), 21), (dt.date(2025, 7, 2), 10)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from kneeguard.store import athletes
    from kneeguard.store.config import DEFAULT_ATHLETE
    from kneeguard.store.models import Activity
    from kneeguard.web import create_app

    app = create_app(home=tmp_path_factory.mktemp("short-record") / "home", background_jobs=False)
    with app.state.store.write() as s:
        owner = athletes.get_or_create(s, DEFAULT_ATHLETE)
        s.add_all([Activity(athlete_id=owner.id, sport="running", distance_m=km * 1000.0, timer_s=km * 360.0,
                            start_utc=dt.datetime.combine(day, dt.time(7), tzinfo=dt.timezone.utc), source_name="t",
                            content_hash=f"short-{day.isoformat()}".rjust(64, "0"), session_index=0)
                   for day, km in RUNS])
    with _uvicorn(app) as url:
        yield url


@pytest.mark.parametrize(("width", "name"), [(1280, "load-short-record-desktop"), (390, "load-short-record-phone")])
def test_unjudged_spike_weeks_are_drawn_apart_and_explained(server, browser, tmp_path, width, name):  # noqa: F811 (the shared browser fixture)
    from kneeguard.load.bands import BAND_STYLE, SHORT_RECORD

    context, page, problems = open_watched(browser, server + f"/load?as_of={AS_OF.isoformat()}", width)
    try:
        page.wait_for_selector("#load-chart.drawn canvas")
        chart = page.evaluate("JSON.parse(document.querySelector('#load-chart script.chart-data').textContent)")
        labels = [s["label"] for s in chart["series"]]
        assert BAND_STYLE[SHORT_RECORD][3] in labels and BAND_STYLE["moderate"][3] in labels
        assert BAND_STYLE[SHORT_RECORD][3] in page.inner_text("#load-chart")  # the legend under the chart
        text = page.inner_text("main")
        assert "Uncertain:" in text and "less than the 30 days the rule compares with" in text
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p or "Error" in p], problems
        folder = REPO_SHOTS if os.environ.get("KNEEGUARD_SAVE_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        height = page.evaluate("document.documentElement.scrollHeight")
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True,
                        clip={"x": 0, "y": 0, "width": width, "height": min(height, 1600)})
    finally:
        context.close()
