"""Plan sessions ticked off as done, with the pain (0-10) the athlete felt during the session and the
next morning (the pain-monitoring model reads both: `kneeguard.pain_rule`).

A tick is keyed by athlete, day and session key (the plan's session kind: "run",
"strength", ...). Ticking again updates it: a pain given replaces the stored one, a pain left out
keeps it (so the next-morning pain can be added the day after). `unmark` removes the tick.
Functions take an open session; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.store import athletes
from kneeguard.store.models import PlanCompletion, utc_now

PAIN_MIN, PAIN_MAX = 0, 10
KEY_MAX = 80


@dataclass(frozen=True)
class Tick:
    """One ticked-off plan session as stored."""

    day: dt.date
    session_key: str
    done_at: dt.datetime
    pain_during: int | None = None
    pain_morning: int | None = None

    @classmethod
    def of(cls, row: PlanCompletion) -> "Tick":
        return cls(row.day, row.session_key, row.done_at, row.pain_during, row.pain_morning)


def mark_done(session: Session, athlete: athletes.AthleteRef, day: dt.date, session_key: str, *,
              pain_during: int | None = None, pain_morning: int | None = None,
              done_at: dt.datetime | None = None) -> Tick:
    """Record (or update) the tick for `session_key` on `day`; InvalidInput for bad input."""
    key = _checked_key(session_key)
    during, morning = checked_pain(pain_during, "during"), checked_pain(pain_morning, "the next morning")
    owner = athletes.get(session, athlete)
    row = session.get(PlanCompletion, (owner.id, day, key))
    if row is None:
        row = PlanCompletion(athlete_id=owner.id, day=day, session_key=key, done_at=done_at or utc_now(),
                             pain_during=during, pain_morning=morning)
        session.add(row)
    else:
        row.done_at = done_at or utc_now()
        if during is not None:
            row.pain_during = during
        if morning is not None:
            row.pain_morning = morning
    session.flush()
    return Tick.of(row)


def checked_pain(pain: int | None, when: str) -> int | None:
    """A pain score 0-10 as a whole number, or None; InvalidInput naming `when` otherwise."""
    if pain is not None and (isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX):
        raise InvalidInput(f"pain {when} must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {pain!r}")
    return pain


def unmark(session: Session, athlete: athletes.AthleteRef, day: dt.date, session_key: str) -> bool:
    """Remove a tick; False when there was none."""
    owner = athletes.get(session, athlete)
    row = session.get(PlanCompletion, (owner.id, day, _checked_key(session_key)))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def completions(session: Session, athlete: athletes.AthleteRef, start: dt.date | None = None,
                end: dt.date | None = None) -> dict[tuple[dt.date, str], Tick]:
    """{(day, session key): Tick} for the athlete, optionally within start..end (inclusive)."""
    owner = athletes.get(session, athlete)
    query = select(PlanCompletion).where(PlanCompletion.athlete_id == owner.id)
    if start is not None:
        query = query.where(PlanCompletion.day >= start)
    if end is not None:
        query = query.where(PlanCompletion.day <= end)
    return {(r.day, r.session_key): Tick.of(r) for r in session.scalars(query)}


def recent(session: Session, athlete: athletes.AthleteRef, limit: int = 5) -> list[Tick]:
    """The latest ticks, newest day first."""
    owner = athletes.get(session, athlete)
    rows = session.scalars(select(PlanCompletion).where(PlanCompletion.athlete_id == owner.id)
                           .order_by(PlanCompletion.day.desc(), PlanCompletion.done_at.desc()).limit(limit))
    return [Tick.of(r) for r in rows]


def _checked_key(session_key: str) -> str:
    key = (session_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(f"a plan session key must be 1-{KEY_MAX} characters, got {session_key!r}")
    return key
