"""A data folder like the demo's, for the page sweeps (every route, the CSP, the overview): a runner with
ten weeks of runs, a real FIT activity, three check-ins with rising pain, a ticked session and a gait
session analysed from the bundled real keypoints; a second athlete with one check-in; an empty third."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
FIT = DATA / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"
KEYPOINTS = DATA / "gait" / "male_side.mediapipe.json"
RUNNER, SECOND, EMPTY = "demo runner", "ana", "me"
RUNNER_PAINS = (1, 3, 5)  # three check-ins, a week apart: a rise the pain rule calls clearly worse


@dataclass(frozen=True)
class DemoIds:
    today: dt.date
    activity_id: int
    gait_session_id: int


def build(home: Path, today: dt.date | None = None) -> DemoIds:
    from sqlalchemy import insert, select

    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic import assess
    from kneeguard.clinic.history import CheckinRecord
    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.pipeline import analyse_series, write_results
    from kneeguard.sample import sample_checkin
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import athletes, open_store, plan_log, records, shoes
    from kneeguard.store.importer import import_sources
    from kneeguard.store.models import Activity

    today = today or dt.date.today()
    answers = json.loads(sample_checkin().read_text())
    with open_store(home=home) as store:
        with store.write() as s:
            runner = athletes.create(s, RUNNER, sex="female", birth_year=1988, height_cm=168, mass_kg=60)
            athletes.create(s, SECOND)
            athletes.create(s, EMPTY)
            shoes.add(s, runner, "Daily trainer", default=True, created_on=today - dt.timedelta(days=120))
            first = dt.datetime.combine(today - dt.timedelta(days=70), dt.time(7), tzinfo=dt.timezone.utc)
            s.execute(insert(Activity), [
                dict(athlete_id=runner.id, sport="running", sub_sport="", start_utc=first + dt.timedelta(days=i),
                     distance_m=6000.0 + 150 * i, timer_s=2100.0, moving_s=2100.0, elapsed_s=2200.0, avg_hr=142.0,
                     source_name=f"run-{i}.fit", content_hash=f"{i:064x}", session_index=0, gear="", device="",
                     name="", warnings="[]", imported_at=first)
                for i in range(0, 70, 2)])
        import_sources(store, iter_sources([FIT]), athlete=RUNNER)  # a real activity with sample streams
        with store.session() as s:
            activity_id = s.scalars(select(Activity.id).where(Activity.source_name.like("%2013-02-06%"))).one()
        for weeks_ago, pain in zip((2, 1, 0), RUNNER_PAINS):
            day = today - dt.timedelta(days=7 * weeks_ago)
            result = assess({**answers, "pain_now": pain, "pain_during_run": pain}, today=day)
            save_checkin(CheckinRecord(day, result.answers, result.level), RUNNER, store=store,
                         now=dt.datetime.combine(day, dt.time(20), tzinfo=dt.timezone.utc))
        calm = assess({**answers, "has_pain": False}, today=today - dt.timedelta(days=3))
        save_checkin(CheckinRecord(today - dt.timedelta(days=3), calm.answers, calm.level), SECOND, store=store,
                     now=dt.datetime.combine(today - dt.timedelta(days=3), dt.time(20), tzinfo=dt.timezone.utc))
        with store.write() as s:
            # the strength sessions of the last week, whichever days the plan's layout puts them on (it moves with
            # the weekday the suite runs on; a tick on a day without one is not due and not counted)
            for days_ago in range(1, 8):
                plan_log.mark_done(s, RUNNER, today - dt.timedelta(days=days_ago), "strength", pain_during=2)
        result = analyse_series(read_keypoints_json(KEYPOINTS), None, "side clip.mp4", view="side", height_cm=178)
        summary, _ = write_results(result, home / "cli-gait", athlete=RUNNER, source="side clip.mp4", video_name=None)
        with store.write() as s:
            gait_id = records.save_gait_session(
                s, RUNNER, summary.to_dict(), dt.datetime.combine(today - dt.timedelta(days=5), dt.time(9),
                                                                  tzinfo=dt.timezone.utc), source="side clip.mp4")
    return DemoIds(today, activity_id, gait_id)
