"""Demo-like data for the plan page tests: the demo runner's 12-week history (`kneeguard demo`'s own
generator, re-timed to end today so the days just past have imported runs), the demo's shoe and
check-in; a second runner whose check-in is urgent; and a third whose worse week holds the plan at walking
only (its later weeks wait for the re-check)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

DEMO_ATHLETE = "demo runner"
URGENT_ATHLETE = "urgent runner"
HELD_ATHLETE = "held runner"
# The demo runner's check-in after a worse week: 6/10 in runs (above the acceptable 5/10), 4/10 next morning.
WORSE_PAIN = {"pain_during_run": 6, "pain_after_run": 6, "pain_next_morning": 4, "duration_weeks": 3}
# Calf pain and pitting swelling: possible deep-vein thrombosis (tests/test_triage_vignettes.py, Theiss 2011).
URGENT_ANSWERS = {"onset": "gradual", "location": ["calf"], "pain_now": 4, "calf_swelling": True,
                  "calf_pitting": True}


def build_demo_home(home: Path, today: dt.date) -> Path:
    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic import assess
    from kneeguard.ingest.readers import read_path
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.sample import sample_checkin, template_file
    from kneeguard.sample.history import write_demo_history
    from kneeguard.store import athletes, import_sources, open_store, shoes
    from tests.test_triage_vignettes import NEGATIVE
    from tests.vignette_support import with_follow_ups

    template = read_path(template_file()).activities[0].samples
    history = write_demo_history(template, home.parent / "history", end=today)
    at = dt.datetime.combine(today, dt.time(20, 0), tzinfo=dt.timezone.utc)
    with open_store(home=home) as store:
        with store.write() as session:
            demo = athletes.create(session, DEMO_ATHLETE, sex="female", birth_year=1988, height_cm=168, mass_kg=58,
                                   hr_max=190, hr_rest=52)
            # a runner who has used kneeguard for a month: the days just past had a plan to tick off
            demo.created_at = at - dt.timedelta(days=30)
            shoes.add(session, DEMO_ATHLETE, "Daily trainer (old)", start_km=610, default=True,
                      created_on=today - dt.timedelta(days=120))
            athletes.create(session, URGENT_ATHLETE)
            athletes.create(session, HELD_ATHLETE)
        import_sources(store, iter_sources(history), athlete=DEMO_ATHLETE)
        answers = json.loads(sample_checkin().read_text(encoding="utf-8"))
        save_checkin(assess(answers, today=today).record, DEMO_ATHLETE, now=at, store=store)
        urgent = assess(with_follow_ups({**NEGATIVE, **URGENT_ANSWERS}), today=today)
        assert urgent.level.stops_training, urgent.level
        save_checkin(urgent.record, URGENT_ATHLETE, now=at, store=store)
        save_checkin(assess({**answers, **WORSE_PAIN}, today=today).record, HELD_ATHLETE, now=at, store=store)
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """The demo-like data folder, built once per test session (about 10 s)."""
    return build_demo_home(tmp_path_factory.mktemp("plan-demo") / "home", dt.date.today())
