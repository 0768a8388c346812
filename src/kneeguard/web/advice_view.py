"""The advice for the current athlete, by the same calls as `kneeguard plan`, cached while the data stand still.

Computing the advice runs the whole load analysis (≈ 0.1 s for years of history);
pages that show it are the most visited, so the result is kept per athlete, day and
plan length until anything it depends on changes (activities and the person's corrections of them, check-ins, gait
sessions, ticked plan sessions, clinician edits, shoes and their assignments, the athlete's profile), checked with one small
query per request, and for at most `CACHE_SECONDS` in any case.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from kneeguard.plan_length import DEFAULT_PLAN_WEEKS, check_plan_weeks
from kneeguard.web.common import athlete_name, store_of

NO_CHECKIN_CLASS = "nocheckin"


def banner_class(banner) -> str:
    """The colour class of the advice banner: the triage level's, or the no-check-in one."""
    return banner.level.css_class if banner.level else NO_CHECKIN_CLASS


CACHE_SECONDS = 60.0
CACHE_SIZE = 64
_cache: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
_lock = threading.Lock()
_in_flight: dict[tuple, threading.Event] = {}
FLIGHT_TIMEOUT_S = 30.0


def advice_for(request: Request, day: dt.date, weeks: int = DEFAULT_PLAN_WEEKS, athlete: str | None = None):
    """The advice for the page's athlete, or for `athlete` (the overview's rows: the caller has
    checked that this account may see it); cached, see the module docstring."""
    return _computed_for(request, day, weeks, athlete).advice


def derived_for(request: Request, day: dt.date, name: Hashable, make: Callable[[Any, Any], Any],
                weeks: int = DEFAULT_PLAN_WEEKS):
    """`make(context, advice)`, kept with the cached advice under `name`: something a page derives from the
    same data (the dashboard's chart, today's sessions), recomputed exactly when the advice is. The context
    the advice was computed from travels with it, so a page showing the load analysis reads the same
    `LoadReport`, not a second one. `make` may read the store only for what the data fingerprint covers."""
    computed = _computed_for(request, day, weeks)
    if name not in computed.memo:
        computed.memo[name] = make(computed.context, computed.advice)  # a race computes twice: harmless
    return computed.memo[name]


@dataclass
class _Computed:
    context: Any
    advice: Any
    memo: dict = field(default_factory=dict)


def _computed_for(request: Request, day: dt.date, weeks: int, athlete: str | None = None) -> _Computed:
    check_plan_weeks(weeks)
    store, name = store_of(request), athlete or athlete_name(request)
    key = (id(store), name, day, weeks, data_fingerprint(store, name))
    # One computation per key: when many requests miss the cache at once (a server just started,
    # data just changed), the first computes and the others wait for its result instead of each
    # recomputing on the same two cores (cold-start p95 went from 2.9 s to under 1 s).
    with _lock:
        hit = _cached(key)
        if hit is not None:
            return hit
        flight = _in_flight.get(key)
        owner = flight is None
        if owner:
            flight = _in_flight[key] = threading.Event()
    if not owner:
        flight.wait(FLIGHT_TIMEOUT_S)
        with _lock:
            hit = _cached(key)
        if hit is not None:
            return hit
        # the computing request failed or is slow: compute here (its error, if any, shows here too)
        return _compute(store, name, day, weeks)
    try:
        computed = _compute(store, name, day, weeks)
        with _lock:
            _cache[key] = (time.monotonic(), computed)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return computed
    finally:
        with _lock:
            _in_flight.pop(key, None)
        flight.set()


def _compute(store, name: str, day: dt.date, weeks: int) -> _Computed:
    from kneeguard.advice.context import gather_context
    from kneeguard.advice.engine import advise

    context = gather_context(store, name, day)
    return _Computed(context, advise(context, weeks=weeks))


def _cached(key: tuple):
    """The cached (context, advice) for `key` if fresh (call with `_lock` held)."""
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        _cache.move_to_end(key)
        return hit[1]
    return None


def data_fingerprint(store, athlete: str) -> tuple:
    """Counts and newest ids of everything the advice reads, for one athlete (a few small queries)."""
    from sqlalchemy import Integer, cast, func, select

    from kneeguard.store.models import (
        Activity, Athlete, Checkin, GaitSession, PlanCompletion, PlanOverrideRecord, Shoe, ShoeAssignment,
    )

    owner = select(Athlete.id).where(Athlete.name == athlete).scalar_subquery()

    def stats(model, *columns):
        return select(func.count(), *[func.max(c) for c in columns]).where(model.athlete_id == owner)

    shoe_rows = select(Shoe.id).where(Shoe.athlete_id == owner)
    with store.session() as session:
        profile = session.execute(select(Athlete.sex, Athlete.birth_year, Athlete.height_cm, Athlete.mass_kg,
                                         Athlete.hr_max, Athlete.hr_rest).where(Athlete.name == athlete)).first()
        parts = [tuple(profile) if profile else None]
        for query in (stats(Activity, Activity.id, Activity.edited_at).add_columns(func.sum(Activity.shoe_id)), stats(Checkin, Checkin.id),
                      stats(GaitSession, GaitSession.id),
                      stats(PlanCompletion, PlanCompletion.day, PlanCompletion.done_at).add_columns(
                          func.sum(PlanCompletion.pain_during),  # the pain recorded with ticks feeds the advice
                          func.sum(PlanCompletion.pain_morning)),
                      stats(PlanOverrideRecord, PlanOverrideRecord.id, PlanOverrideRecord.removed_at),  # clinician edits
                      stats(Shoe, Shoe.id, Shoe.alert_km, Shoe.start_km, Shoe.retired_on,
                            cast(Shoe.is_default, Integer)),  # PostgreSQL has no max(boolean)
                      select(func.count(), func.max(ShoeAssignment.id)).where(ShoeAssignment.shoe_id.in_(shoe_rows))):
            parts.append(tuple(session.execute(query).one()))
    return tuple(parts)


def upcoming(advice, day: dt.date, count: int = 5) -> list:
    """The next sessions from `day` on, rest days left out."""
    return [s for s in advice.days if s.date >= day and s.kind != "rest"][:count]


def todays_sessions(context, today: dt.date) -> list:
    """Today's sessions to tick off: the plan made from the same context, started today instead of
    tomorrow (so yesterday's check-in already counts), without today's own ticks: today stays what the runner set
    out to do, and a painful tick changes the plan from tomorrow (a ticked 'Easy run 6.9 km' turned into a bare
    'Run (done)' once the pain rule had stepped today back). The dashboard's Today card and the plan page's today
    both show these (`advice.ticks.with_ticked_today` sets them beside what was ticked)."""
    import dataclasses

    from kneeguard.advice.engine import advise
    from kneeguard.advice.ticks import TICKABLE_KINDS

    before_today = dataclasses.replace(context, session_pain=[p for p in context.session_pain if p.day != today])
    # a check-in of today: its plan starts where the engine starts it (tomorrow, or today for a stop plan's visit);
    # a session today beside a plan that starts tomorrow read as two plans (read 46)
    checked_today = context.checkin is not None and context.checkin.on_date >= today
    plan = advise(before_today, start=None if checked_today else today)
    return [s for s in plan.days if s.date == today and s.kind in TICKABLE_KINDS]
