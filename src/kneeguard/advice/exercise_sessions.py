"""Exercise sessions in the calendar: strength on up to STRENGTH_DAYS_PER_WEEK days (`strength_days`: days
without a run first, not the day before a long run, and a day apart where the week allows), daily drills on
every day, mobility on the first days of the week. Each week keeps
`advice.plan.full_rest_days_per_week` days with no run, no strength and no mobility session (the last days
without a run; a drill dosed every day is the only exception): strength moves onto run days before it takes them.

At most one strength and one mobility session a day, so never more than
`advice.exercise.max_sessions_per_day` (2); a session lasts the minutes its doses take.
"""
from __future__ import annotations

import datetime as dt
import itertools

from kneeguard import evidence
from kneeguard.advice.exercises import Prescription, pain_rule_text
from kneeguard.advice.session import Session, unique_citations
from kneeguard.advice.week_summary import week_summaries

# physiotherapist reads 23, 25 and 27: on a run day, when (a design choice, not a tested order); one owner for the
# session's details and the plan's listing
AFTER_RUN = "On a run day: strength after the run (or later that day), never before it."
STRENGTH_DAYS_PER_WEEK = 3  # design: strength on at most 3 days a week, days without a run first
DAILY = 7  # per_week of a drill done every day


def exercise_sessions(prescriptions: list[Prescription], start: dt.date, weeks: int, run_days: set,
                      long_run_days: frozenset = frozenset(), running_days: set | None = None) -> list[Session]:
    """`run_days`: days with a run, walk/run or planned walk (strength prefers days without one); `running_days`:
    those with running (a strength session there says when, after the run), by default `run_days`."""
    running_days = run_days if running_days is None else running_days
    out: list[Session] = []
    strength = [p for p in prescriptions if p.exercise.kind == "strength"]
    flex = [p for p in prescriptions if p.exercise.kind == "flexibility"]
    full_rest = int(evidence.value("advice.plan.full_rest_days_per_week"))
    for week in range(weeks):
        week_days = [start + dt.timedelta(days=week * 7 + i) for i in range(7)]
        free = [d for d in week_days if d not in run_days]
        rest = set(free[len(free) - full_rest:]) if full_rest and free else set()
        slots = strength_days(week_days, run_days, long_run_days, rest)
        for i, day in enumerate(week_days):
            k = slots.index(day) if day in slots else None
            items = [p for p in strength if p.is_active(week) and (
                (k is not None and k < p.dose_for_week(week).per_week) or p.dose_for_week(week).per_week >= DAILY)]
            if items:
                title = "Strength: " + _targets(items) if k is not None else "Daily drill: " + _names(items)
                out.append(_session(day, "strength", items, week, title, after_run=day in running_days))
            flex_items = [p for p in flex if p.is_active(week) and day not in rest
                          and i - sum(r < day for r in rest) < p.dose_for_week(week).per_week]
            if flex_items:
                out.append(_session(day, "mobility", flex_items, week, "Mobility: " + _targets(flex_items)))
    return out


def strength_days(week_days: list[dt.date], run_days: set, long_run_days: frozenset, rest: set) -> list[dt.date]:
    """The week's strength days, in date order (a dose of fewer days a week takes the first ones). Preferred in
    turn: days without a run; days with an easy run (strength after it); the long run's day (after it, with the
    full rest day next); last, the day before a long run (physiotherapists' reads 15-21: not the eve of the long
    run). Days a day apart first, where the week allows (tendon-loading programmes train on alternate days), so a
    week of 3 runs gets two days off, not six loaded days in a row; then the preferred days; the full rest days are
    never used. A design choice (`advice_design`), not a tested schedule."""
    eves = {d - dt.timedelta(days=1) for d in long_run_days}

    def cost(day: dt.date) -> int:  # the preference order above
        if day in long_run_days:
            return 2
        if day in run_days:
            return 1
        return 3 if day in eves else 0

    candidates = [d for d in week_days if d not in rest]
    # Every choice of days, not a greedy pass: picking the first free days in date order could leave no day apart
    # for the third (runs Tue and Fri: Wed and Sat, then Sun next to Sat, where Wed, Fri and Sun are all apart).
    def adjacent(days: tuple[dt.date, ...]) -> int:
        return sum(abs((a - b).days) == 1 for a, b in itertools.combinations(days, 2))

    choices = itertools.combinations(candidates, min(STRENGTH_DAYS_PER_WEEK, len(candidates)))
    best = min(choices, key=lambda days: (adjacent(days), sum(cost(d) for d in days), days), default=())
    return sorted(best)


def _session(day: dt.date, kind: str, items: list[Prescription], week: int, title: str,
             after_run: bool = False) -> Session:
    exercises = [{"key": p.exercise.key, "name": p.exercise.name, "dose": p.dose_dict(week),
                  "tempo": p.exercise.cue, "held": p.held, "stepped_back": p.stepped_back,
                  "minutes": p.minutes(week)} for p in items]
    lines = [f"{e['name']}: {e['dose']['text']} ({e['tempo']})" for e in exercises]
    if any(p.stepped_back for p in items):
        note = " One stage back (a set fewer) while the pain rules say step back."
    elif any(p.held for p in items):
        note = " Doses held at their current stage while the pain rules say hold."
    else:
        note = " Move to next week's dose only if this week kept the pain rule."
    note += "".join(f" {rule}" for rule in dict.fromkeys(p.loading for p in items if p.loading))
    note += "".join(f" {legs}" for legs in dict.fromkeys(p.legs for p in items if p.legs))
    if after_run:
        note += f" {AFTER_RUN}"
    return Session(day, kind, title, "; ".join(lines) + "." + note,
                   duration_min=sum(p.minutes(week) for p in items),
                   reason=list(dict.fromkeys(c for p in items for c in p.reason)) or ["advice.default_programme"],
                   citations=unique_citations(*(p.citations for p in items)), exercises=exercises,
                   pain_rule=pain_rule_text())


def _targets(items: list[Prescription]) -> str:
    return ", ".join(dict.fromkeys(t for p in items for t in p.exercise.targets))


def _names(items: list[Prescription]) -> str:
    return ", ".join(p.exercise.name for p in items)


def weekly_exercise_minutes(days: list[Session], start: dt.date, weeks: int) -> list[int]:
    """Minutes of strength and mobility sessions in each plan week (what the budget counts)."""
    return [w.exercise_min for w in week_summaries(days, start, weeks)]


__all__ = ["AFTER_RUN", "STRENGTH_DAYS_PER_WEEK", "exercise_sessions", "strength_days", "weekly_exercise_minutes"]
