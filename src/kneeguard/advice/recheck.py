"""The re-check of a plan that holds: while the pain rule holds the plan or steps it back, only week 1 is set.

What comes after week 1 depends on how the knee answers it, so the later weeks are not scheduled: a re-check
(a new check-in) a week after the check-in the plan holds on (`advice.plan.recheck_days`; always inside week 1)
decides them. One owner for its date
and its words, which the CLI, the web plan page, the calendar (.ics) and the report all show.
A plan that progresses, or one that stops all training (an urgent check-in: the professional decides), keeps
its weeks.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kneeguard import evidence
from kneeguard.advice.session import Session
from kneeguard.pain_rule import walks_above_safe_words

if TYPE_CHECKING:
    from kneeguard.advice.pain import PainState

RECHECK_KEY = "advice.plan.recheck_days"
SET_WEEKS = 1  # the weeks a held plan sets: the re-check ends the first


def recheck_day(start: dt.date, checked_on: dt.date | None = None) -> dt.date:
    """The re-check: `advice.plan.recheck_days` after the check-in the plan holds on, so that regenerating the
    plan on a later day does not move it (never before the plan's first day: a check-in a week old or more is
    due again at once). Without a check-in day: the last day of the plan's first week (the first day counts)."""
    days = int(evidence.value(RECHECK_KEY))
    if checked_on is None:
        return start + dt.timedelta(days=days - 1)
    return max(start, checked_on + dt.timedelta(days=days))


def holds_at_week_one(pain: PainState) -> bool:
    """Whether the plan sets week 1 only: the pain rule holds it or steps it back on a known, recent check-in.
    Without one (or with a stale one) the plan asks for a check-in first; a stop keeps its rest weeks."""
    return pain.known and pain.hold and not pain.stop


def recheck_words(day: dt.date) -> str:
    return f"your re-check on {day:%a %d %b}"


def later_weeks_words(start: dt.date, weeks: int, recheck: dt.date, *, brief: bool = False) -> str:
    """The weeks after week 1 of a held plan, as every view says them (`brief`: the clinician summary's line)."""
    first = start + dt.timedelta(days=7 * SET_WEEKS)
    last = start + dt.timedelta(days=7 * weeks - 1)
    if brief:
        return (f"Weeks {SET_WEEKS + 1}-{weeks} ({first:%d %b} – {last:%d %b}): not scheduled yet; set at the "
                f"re-check on {recheck:%a %d %b} by the pain rule.")
    return (f"Weeks {SET_WEEKS + 1}-{weeks} ({first:%a %d %b} – {last:%a %d %b}): not scheduled yet. "
            f"They are decided at {recheck_words(recheck)}, by the pain rule: what week 1 showed sets them.")


def recheck_session(day: dt.date, start: dt.date, weeks: int, walking_only: bool) -> Session:
    """The re-check entry of a held plan on `day` (the schedule and the calendar show it)."""
    walks = f" {walks_above_safe_words('this re-check')}." if walking_only else ""
    first, last = start + dt.timedelta(days=7 * SET_WEEKS), start + dt.timedelta(days=7 * weeks - 1)
    details = ("Do a new check-in today (`kneeguard checkin`, or New check-in on the web), with the pain of this "
               f"week's sessions ticked off. Weeks {SET_WEEKS + 1}-{weeks} ({first:%a %d %b} – {last:%a %d %b}) are "
               f"not scheduled yet: this check-in decides them, by the pain rule.{walks} If it gets worse before "
               "then, or any warning sign appears, do not wait for this date.")
    return Session(day, "check_in", "Re-check: new check-in", details, reason=[RECHECK_KEY],
                   citations=list(evidence.rule(RECHECK_KEY).citations))


__all__ = ["RECHECK_KEY", "SET_WEEKS", "holds_at_week_one", "later_weeks_words", "recheck_day", "recheck_session",
           "recheck_words"]
