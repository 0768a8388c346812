"""A stored athlete for the dashboard tests: steady runs, one run that spikes, two check-ins whose
level differs, plan ticks with pain and a clinician's plan edit."""
from __future__ import annotations

import datetime as dt

from kneeguard.store import athletes, plan_log, plan_overrides
from kneeguard.store.config import DEFAULT_ATHLETE
from kneeguard.store.models import Activity

STEADY_KM = 8.0
SPIKE_KM = 20.0  # against 8 km runs: +150 %, the large band


def seed(store, as_of: dt.date, athlete: str = DEFAULT_ATHLETE) -> dict:
    """Six weeks of 8 km every other day to `as_of`, one 20 km run 10 days before it; what was stored."""
    from kneeguard.advice.checkins import save_checkin
    from kneeguard.advice.overrides import OverrideKind, PlanOverride
    from kneeguard.clinic.history import CheckinRecord
    from tests.advice_support import checkin

    first = as_of - dt.timedelta(days=42)
    spike_day = as_of - dt.timedelta(days=10)
    days = [first + dt.timedelta(days=i) for i in range(0, 43, 2)]
    with store.write() as s:
        owner = athletes.get_or_create(s, athlete)
        s.add_all([Activity(athlete_id=owner.id, sport="running",
                            start_utc=dt.datetime.combine(d, dt.time(7), tzinfo=dt.timezone.utc),
                            distance_m=(SPIKE_KM if d == spike_day else STEADY_KM) * 1000, timer_s=3000.0,
                            source_name="t", content_hash=f"dash-{d.isoformat()}".rjust(64, "0"), session_index=0)
                   for d in days])
        plan_log.mark_done(s, athlete, as_of - dt.timedelta(days=5), "strength", pain_during=3, pain_morning=4)
        edit = plan_overrides.add(s, athlete, PlanOverride(OverrideKind.MAX_WEEKLY_KM, "dr lee", max_weekly_km=25),
                                  created_at=dt.datetime.combine(as_of - dt.timedelta(days=3), dt.time(9),
                                                                 tzinfo=dt.timezone.utc))
    early, late = as_of - dt.timedelta(days=20), as_of - dt.timedelta(days=2)
    calm, sore = checkin(early, pain_now=1), checkin(late, pain_now=6, pain_during_run=7)
    for day, assessed in ((early, calm), (late, sore)):
        save_checkin(CheckinRecord(day, assessed.answers, assessed.level), athlete, store=store,
                     now=dt.datetime.combine(day, dt.time(20), tzinfo=dt.timezone.utc))
    return {"spike_day": spike_day, "tick_day": as_of - dt.timedelta(days=5), "checkins": (calm, sore),
            "edit": edit, "run_days": days}
