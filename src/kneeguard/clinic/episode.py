"""The current pain episode from the check-in history: when it began (`PainOnset`) and whether the pain
has risen (`PainRise`), as one value (`PainHistory`) that the check-in's words and the plan both read.

A physiotherapist read the check-in ("your pain has lasted 3 weeks and is no better") beside the plan
("the pain began on 01 Nov", 5 weeks earlier; "pain has risen across your recent check-ins") as two
stories. So how long it has hurt has one owner (`estimate_pain_onset`: the earliest date the check-ins
give, said when they disagree), and so has the rise (`kneeguard.clinic.history.pain_rises`, which also
makes the trend findings).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol, Sequence

from kneeguard.numbers import counted
from kneeguard.text import listed

DISAGREE_DAYS = 7  # design: answers a week or more apart on the start date are a disagreement worth saying


@dataclass(frozen=True)
class PainOnset:
    day: dt.date
    how: str  # in words: how the date was established
    dated_from: dt.date | None = None  # the check-in whose answer gives `day` (None: the pain-free check-in's day after)
    # When the newest check-in's own answer dates the pain a week or more later (`DISAGREE_DAYS`): that later
    # date, the check-in giving it and its answer in weeks. `day` stays the earlier one; the words say why.
    later_day: dt.date | None = None
    later_from: dt.date | None = None
    later_weeks: float | None = None
    # Whether the later date could be the onset: not when an earlier check-in already reported this pain before
    # it (a physiotherapist's read: then the newer answer is a recall error, and nothing between the two dates
    # can have started the pain).
    later_possible: bool = False

    def conflict_words(self) -> str:
        """'the 07 Dec answer (3 weeks) conflicts with it' when the newest answer's later date is impossible."""
        if self.later_day is None or self.later_possible:
            return ""
        return f"the {self.later_from:%d %b} answer ({counted(self.later_weeks, 'week')}) conflicts with it"


@dataclass(frozen=True)
class PainRise:
    """One rise of the pain across check-ins, by the pain rule's 'clearly worse' (a trend finding's basis)."""

    code: str  # the trend finding it makes (clinic.worse_over_two_weeks, clinic.morning_pain_above_baseline)
    before: float
    now: float
    words: str  # e.g. "next-morning pain 4/10 against your usual 1.5/10"
    since: dt.date | None = None  # the earlier check-in compared with (None: a baseline of several)
    rose: str = ""  # the same rise as a clause, e.g. "your next-morning pain rose from your usual 1.5/10 to 4/10"


class _Checkin(Protocol):
    on_date: dt.date
    answers: dict[str, Any]


KNEES = ("left", "right")


def other_knee(side: Any) -> str:
    """'right' for 'left' and the other way round; 'other' for anything else."""
    return {"left": "right", "right": "left"}.get(side, "other")


def same_knee(earlier: Sequence[_Checkin], answers: dict[str, Any]) -> list:
    """The earlier check-ins of this episode: the latest run of them about the same knee as `answers`. One about
    the other knee (left against right) ends the episode: a physiotherapist found a left knee's onset, usual
    next-morning pain and trend taken from an earlier right knee's check-ins. Both knees, or no side given, is
    compatible with either."""
    side = answers.get("side")
    kept: list = []
    for record in reversed(list(earlier)):
        other = (record.answers or {}).get("side")
        if side in KNEES and other in KNEES and other != side:
            break
        kept.append(record)
    return kept[::-1]


def other_knee_days(earlier: Sequence[_Checkin], answers: dict[str, Any]) -> tuple:
    """The days of the earlier check-ins that `same_knee` leaves out: about the other knee (oldest first)."""
    episode = same_knee(earlier, answers)
    return tuple(c.on_date for c in list(earlier)[:len(earlier) - len(episode)])


def both_knees_visit(side: str | None) -> str:
    """The visit when the earlier check-ins' knee still hurts: the plan's note and the summary's follow-up say it."""
    return (f"If the {other_knee(side)} knee still hurts too, this plan does not cover it: see a physiotherapist or "
            "sports doctor within 1-2 weeks about both knees")


def other_knee_words(side: str | None, days: Sequence) -> str:
    """The note when earlier check-ins were about the other knee ('' without them): this knee's episode starts
    afresh, and the one-leg exercises start with this side. The plan and the check-in say it first (read 42, 43)."""
    if not days:
        return ""
    many = len(days) > 1
    return (f"your latest check-in is about the {side} knee; your check-in{'s' if many else ''} of "
            f"{listed([f'{d:%d %b}' for d in days])} "
            f"{'were' if many else 'was'} about the {other_knee(side)}: the {side} knee's onset, usual next-morning "
            f"pain and trend come from its own check-ins only, and the one-leg exercises start with the {side} leg. If "
            # read 47: "if it is the same knee" left open which knee was meant
            f"the pain is really in your {other_knee(side)} knee, do a new check-in with that side before following "
            "any of this plan, running included: your level of care may change. "
            # read 46: nothing asked whether the other knee had settled; read 47: with no time frame. Pain in both
            # knees goes to a professional at the routine level's time (when unsure, escalate)
            f"{both_knees_visit(side)}; until then the pain rule applies to both knees in "
            # read 48: the one-leg exercises put a full weight on a leg whose knee hurt two weeks before
            # read 49: it said nothing of running on a knee that hurt 4/10 in runs two weeks before
            "every session, running included (the more painful knee sets the sets and repetitions), and the "
            f"{other_knee(side)} leg's one-leg exercises are done with body weight only")


def estimate_pain_onset(checkins: Sequence[_Checkin]) -> PainOnset | None:
    """The start of the current pain episode: the check-ins with pain since the last pain-free one,
    each dated back by its `duration_weeks` answer; the earliest wins, never before the pain-free one."""
    ordered = sorted(checkins, key=lambda c: c.on_date)
    if not ordered or ordered[-1].answers.get("has_pain") is not True:
        return None
    episode = []
    pain_free_on = None
    for c in reversed(ordered):
        if c.answers.get("has_pain") is not True:
            pain_free_on = c.on_date
            break
        episode.append(c)
    estimates = []
    for c in episode:
        weeks = c.answers.get("duration_weeks")
        if _is_weeks(weeks):
            estimates.append((c.on_date - dt.timedelta(days=round(7 * weeks)),
                              f"{counted(weeks, 'week')} before your check-in of {c.on_date:%d %b %Y}", c.on_date))
        else:
            estimates.append((c.on_date, f"your first check-in with this pain ({c.on_date:%d %b %Y})", c.on_date))
    day, how, dated_from = min(estimates)
    if pain_free_on is not None and day <= pain_free_on:
        day, how, dated_from = (pain_free_on + dt.timedelta(days=1),
                                f"the day after your pain-free check-in of {pain_free_on:%d %b %Y}", None)
    latest, (latest_day, _, _) = episode[0], estimates[0]  # newest first
    weeks = latest.answers.get("duration_weeks")
    if _is_weeks(weeks) and (latest_day - day).days >= DISAGREE_DAYS:
        # Check-ins a week apart that give the same "weeks with this pain" disagree; the earlier date is kept
        # (a restart level from before it is the lower one), and the plan says so rather than hide it.
        first_reported = min(c.on_date for c in episode)
        possible = latest_day <= first_reported
        how += (f"; your check-in of {latest.on_date:%d %b %Y} said {counted(weeks, 'week')}, which would be "
                f"{latest_day:%d %b}" + ("" if possible else
                                          f", but your check-in of {first_reported:%d %b %Y} already reported this pain")
                + ": the earlier date is kept")
        return PainOnset(day, how, dated_from, later_day=latest_day, later_from=latest.on_date, later_weeks=weeks,
                         later_possible=possible)
    return PainOnset(day, how, dated_from)


@dataclass(frozen=True)
class PainHistory:
    """How long this check-in's pain has lasted and whether it has risen, from the check-ins up to it."""

    on_date: dt.date
    answered_weeks: float | None  # the check-in's own "How many weeks have you had this pain?"
    onset: PainOnset | None
    rises: tuple[PainRise, ...] = ()
    # The next-morning baseline this check-in was measured against (`history.morning_baseline` of the check-ins
    # before it, the rise's own): the plan says it as a number (a physiotherapist could not follow "your usual"
    # without it), the same number the check-in's words give, and not raised by this check-in's own flare.
    usual_morning: float | None = None
    usual_morning_from: tuple[dt.date, ...] = ()  # the check-ins it is the middle of (the plan names them)
    other_knee_days: tuple[dt.date, ...] = ()  # earlier check-ins about the other knee: not this episode

    @property
    def risen(self) -> bool:
        return bool(self.rises)

    @property
    def rise_words(self) -> str:
        """'next-morning pain 4/10 against your usual 1.5/10' ('' when it has not risen)."""
        return "; ".join(r.words for r in self.rises)

    def rise_against(self, said: str) -> str:
        """The rise beside the runner's own trend answer when they disagree, in one clause: 'you said it is
        about the same, but your next-morning pain rose from your usual 1.5/10 to 4/10' ('' without a rise).
        A physiotherapist read "About the same" beside "has risen" as the tool not listening; both are said."""
        if not self.rises:
            return ""
        rose = " and ".join(r.rose or r.words for r in self.rises)
        return f"you said it is {said.lower()}, but {rose}"

    @property
    def weeks(self) -> int | None:
        """Whole weeks since the onset (None without one)."""
        return None if self.onset is None else (self.on_date - self.onset.day).days // 7

    @property
    def differs_from_answer(self) -> bool:
        """The history dates the onset a week or more before this check-in's own answer does."""
        if self.onset is None or not _is_weeks(self.answered_weeks):
            return False
        answered_day = self.on_date - dt.timedelta(days=round(7 * self.answered_weeks))
        return (answered_day - self.onset.day).days >= DISAGREE_DAYS

    def duration_words(self) -> str:
        """'3 weeks', or, when the earlier check-ins date it earlier, '5 weeks (since about 01 Nov 2026 by your
        earlier check-ins; your 07 Dec check-in said 3 weeks)' (the plan's onset line gives the whole reckoning;
        the check-in named by its day, as the dashboard and the report show the words too, away from it)."""
        if self.differs_from_answer:
            return (f"{counted(self.weeks, 'week')} (since about {self.onset.day:%d %b %Y} by your earlier check-ins; "
                    f"your {self.on_date:%d %b} check-in said {counted(self.answered_weeks, 'week')})")
        return counted(self.answered_weeks, "week") if _is_weeks(self.answered_weeks) else ""


def _is_weeks(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
