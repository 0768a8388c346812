"""Ticking a plan session off, the same for the CLI and the web app: which sessions can be ticked,
when, and with what pain (during the session, and the next morning once that morning has come).

`record_tick` checks the request and writes it; the store (`store.plan_log`) keeps it, and the pain
rule (`advice.pain`) reads it back through `gather_context` when the plan is regenerated.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kneeguard.advice.session import KIND_WORDS, SESSION_KINDS, Session
from kneeguard.errors import InvalidInput

if TYPE_CHECKING:  # imported where used: `kneeguard plan tick --help` reads TICKABLE_KINDS, not the pain rule
    from kneeguard.advice.pain import SessionPain

TICK_DAYS_BACK = 366  # a session older than this cannot be ticked any more
# A re-check is done by checking in (the check-in is its record), not ticked off.
TICKABLE_KINDS = tuple(k for k in SESSION_KINDS if k not in ("rest", "check_in"))


# Sessions that put weight on the knee by moving: one of them ticked today is today's running or walking done.
MOVING_KINDS = ("run", "walk_run", "walk")


def with_ticked_today(sessions: list[Session], ticked_kinds: Iterable[str], today: dt.date) -> list[Session]:
    """Today's sessions (as set out before today's ticks: `web.advice_view.todays_sessions`) beside what was
    ticked off today: a ticked session today's plan did not set gets a stand-in on the day, and once a run, walk/run
    or walk is done no second one is offered that day (a runner's ticked walk/run vanished and a 30 min walk
    appeared in its place)."""
    ticked = set(ticked_kinds)
    moved = bool(ticked & set(MOVING_KINDS))
    kept = [s for s in sessions if s.kind in ticked or not (moved and s.kind in MOVING_KINDS)]
    for kind in sorted(ticked - {s.kind for s in kept}, key=SESSION_KINDS.index):
        kept.append(Session(today, kind, f"{KIND_WORDS[kind].capitalize()} (done)",
                            "Ticked off today, though today's plan did not set it; the next sessions take its pain "
                            "into account."))
    return sorted(kept, key=lambda s: SESSION_KINDS.index(s.kind))


def checked_tick(day: dt.date, kind: str, today: dt.date, *, pain_during: int | None = None,
                 pain_morning: int | None = None) -> SessionPain:
    """The tick (pain 0-10 or None: not given) if the session can be ticked today; InvalidInput saying why not."""
    from kneeguard.advice.pain import SessionPain

    if day > today:
        raise InvalidInput(f"a session on {day} is still to come: tick it off once it is done")
    if (today - day).days > TICK_DAYS_BACK:
        raise InvalidInput(f"a session on {day} is too long ago to tick off")
    if kind not in TICKABLE_KINDS:
        raise InvalidInput(f"unknown plan session {kind!r}; one of {', '.join(TICKABLE_KINDS)}")
    if pain_morning is not None and day >= today:
        raise InvalidInput(f"the morning after the {kind} session on {day} is {day + dt.timedelta(days=1)}: "
                           "record the next-morning pain then")
    return SessionPain(day, kind, pain_during, pain_morning)


def record_tick(store, athlete: str | None, request: SessionPain):
    """Write the tick (a pain left out keeps the one stored); returns the stored `plan_log.Tick`."""
    from kneeguard.store import plan_log
    from kneeguard.store.config import DEFAULT_ATHLETE

    with store.write() as session:
        return plan_log.mark_done(session, athlete or DEFAULT_ATHLETE, request.day, request.kind,
                                  pain_during=request.during, pain_morning=request.morning)


def undo_tick(store, athlete: str | None, day: dt.date, kind: str) -> bool:
    """Remove the tick; False when there was none."""
    from kneeguard.store import plan_log
    from kneeguard.store.config import DEFAULT_ATHLETE

    with store.write() as session:
        return plan_log.unmark(session, athlete or DEFAULT_ATHLETE, day, kind)
