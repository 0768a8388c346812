"""An earlier check-in's referral that a later, calmer check-in must not quietly undo.

A runner answered a swollen, red, warm calf (urgent: see a doctor today, a possible clot) and, minutes later, a
new check-in with every warning sign "no": it went straight back to self-care with walk/run from tomorrow, and
nothing asked whether a doctor had seen the calf. kneeguard cannot know whether the runner was seen, so the later
check-in keeps its own level (its answers may be right: the first ones may have been a slip) while every view
says the earlier referral first and makes a lower level, and the go-ahead, hold only once that professional has
seen the runner (`clinic.triage.referral_memory_days`). The check-in's question `seen_since_last_checkin`
settles it: "yes" turns the note into "follow their advice" and lifts the condition; "no" says it plainly.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from kneeguard import evidence
from kneeguard.clinic.levels import TriageLevel


@dataclass(frozen=True)
class EarlierReferral:
    """The most serious referral among the recent earlier check-ins, above this check-in's own level."""

    on_date: dt.date
    level: TriageLevel
    seen_since: bool | None = None  # the runner's answer to `seen_since_last_checkin` (None: not answered)

    @property
    def action(self) -> str:
        """The level's own action, its first sentence, as a clause ('see a doctor today (GP, urgent care or a
        sports doctor)')."""
        first = str(evidence.value(self.level.registry_key)).split(". ")[0].rstrip(".")
        return first[0].lower() + first[1:]

    @property
    def words(self) -> str:
        """The note said first in the check-in result, the plan and the dashboard."""
        said = f"your earlier check-in of {self.on_date:%d %b} was {self.level.value.upper()}: {self.action}"
        if self.seen_since:
            return (f"{said}. You said a doctor or physiotherapist has examined you since: follow their advice; "
                    "where it differs from this plan, theirs comes first")
        if self.level.stops_training:
            first = ("You said no professional has examined you since: do that first" if self.seen_since is False
                     else "If no professional has examined you since, do that first")
            return f"{said}. {first}, before any of this plan: a later check-in does not undo it"
        if self.seen_since is False:
            return f"{said}. You said no professional has examined you since: keep that appointment, a later " \
                   "check-in does not cancel it"
        return f"{said}. Keep that appointment: a later check-in does not cancel it"

    @property
    def condition(self) -> str:
        """What a lower level and the plan's go-ahead wait for ('' once the runner said they were seen)."""
        if self.seen_since:
            return ""
        return f"the professional your earlier check-in of {self.on_date:%d %b} asked for has seen you"

    @property
    def seen_words(self) -> str:
        """Whether a professional has seen the runner since, for the clinician's summary."""
        return {True: "yes (the runner's answer)", False: "no (the runner's answer)"}.get(self.seen_since,
                                                                                             "not answered")


def earlier_referral(earlier: Sequence, level: TriageLevel, today: dt.date,
                     seen_since: bool | None = None) -> EarlierReferral | None:
    """The most serious referral (routine and above) among the check-ins of the last
    `clinic.triage.referral_memory_days` days (same day included) that is above `level`; None otherwise.
    `seen_since`: the check-in's answer to whether a professional has examined the runner since the last one."""
    days = int(evidence.value("clinic.triage.referral_memory_days"))
    recent = [r for r in earlier if r.level is not None and 0 <= (today - r.on_date).days <= days
              and r.level.needs_professional and r.level.rank > level.rank]
    if not recent:
        return None
    worst = max(recent, key=lambda r: (r.level.rank, r.on_date))
    return EarlierReferral(worst.on_date, worst.level, seen_since)
