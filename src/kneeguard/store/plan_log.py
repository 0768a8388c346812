"""Plan sessions ticked off as done, with the pain (0-10) the athlete felt after them.

A tick is keyed by athlete, day and session key (the plan's session kind: "run",
"strength", ...): ticking again updates the pain; `unmark` removes the tick.
Functions take an open session; the caller commits.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.store import athletes
from kneeguard.store.models import PlanCompletion, utc_now

PAIN_MIN, PAIN_MAX = 0, 10
KEY_MAX = 80


def mark_done(session: Session, athlete: athletes.AthleteRef, day: dt.date, session_key: str,
              pain: int | None = None, done_at: dt.datetime | None = None) -> None:
    """Record (or update) the tick for `session_key` on `day`; ValueError for bad input."""
    key = _checked_key(session_key)
    if pain is not None and (isinstance(pain, bool) or not isinstance(pain, int) or not PAIN_MIN <= pain <= PAIN_MAX):
        raise InvalidInput(f"pain must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {pain!r}")
    owner = athletes.get(session, athlete)
    row = session.get(PlanCompletion, (owner.id, day, key))
    if row is None:
        session.add(PlanCompletion(athlete_id=owner.id, day=day, session_key=key, done_at=done_at or utc_now(),
                                   pain=pain))
    else:
        row.pain, row.done_at = pain, done_at or utc_now()
    session.flush()


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
                end: dt.date | None = None) -> dict[tuple[dt.date, str], dict[str, Any]]:
    """{(day, session key): {"pain", "done_at"}} for the athlete, optionally within start..end (inclusive)."""
    owner = athletes.get(session, athlete)
    query = select(PlanCompletion).where(PlanCompletion.athlete_id == owner.id)
    if start is not None:
        query = query.where(PlanCompletion.day >= start)
    if end is not None:
        query = query.where(PlanCompletion.day <= end)
    return {(r.day, r.session_key): {"pain": r.pain, "done_at": r.done_at} for r in session.scalars(query)}


def recent(session: Session, athlete: athletes.AthleteRef, limit: int = 5) -> list[dict[str, Any]]:
    """The latest ticks, newest day first: dicts of day, session_key, pain, done_at."""
    owner = athletes.get(session, athlete)
    rows = session.scalars(select(PlanCompletion).where(PlanCompletion.athlete_id == owner.id)
                           .order_by(PlanCompletion.day.desc(), PlanCompletion.done_at.desc()).limit(limit))
    return [{"day": r.day, "session_key": r.session_key, "pain": r.pain, "done_at": r.done_at} for r in rows]


def _checked_key(session_key: str) -> str:
    key = (session_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise InvalidInput(f"a plan session key must be 1-{KEY_MAX} characters, got {session_key!r}")
    return key
