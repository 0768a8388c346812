"""Check-in history per athlete (`CheckinRecord`), and trends over it as Findings.

Pure functions over records: reading and saving them in the database is
`kneeguard.advice.checkins`, the interview in progress is `kneeguard.cli.checkin_partial`.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from kneeguard import evidence, pain_rule
from kneeguard.clinic import codes
from kneeguard.clinic.episode import PainRise
from kneeguard.clinic.legacy import upgrade_answers
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.ostrc import score_ostrc
from kneeguard.findings import Finding, Severity, make_finding

BASELINE_CHECKINS = 4  # earlier check-ins that make the next-morning baseline


@dataclass(frozen=True)
class CheckinRecord:
    on_date: dt.date
    answers: dict[str, Any]
    level: TriageLevel | None = None  # a stored string ("self-care") is read as its TriageLevel

    def __post_init__(self) -> None:
        if self.level is not None:
            object.__setattr__(self, "level", TriageLevel(self.level))

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.on_date.isoformat(), "answers": self.answers,
                "level": self.level.value if self.level else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckinRecord":
        return cls(dt.date.fromisoformat(data["date"]), upgrade_answers(data["answers"]), data.get("level") or None)

    @property
    def pain(self) -> float | None:
        """The worse of pain now and during running: the number trends follow."""
        scores = [self.answers.get(k) for k in ("pain_now", "pain_during_run")]
        scores = [s for s in scores if s is not None]
        if self.answers.get("has_pain") is False:
            return 0
        return max(scores) if scores else None


def consecutive_ostrc_substantial(records: list[CheckinRecord]) -> int:
    """How many of the latest weekly OSTRC answers in a row were a substantial problem."""
    window = int(evidence.value("clinic.trend.window_days"))
    count, last_date = 0, None
    for record in reversed(records):
        score = score_ostrc(record.answers)
        if score is None:
            continue
        if last_date is not None and (last_date - record.on_date).days > window:
            break  # a long gap breaks the run of weeks
        if not score.substantial:
            break
        count, last_date = count + 1, record.on_date
    return count


def trend_findings(records: list[CheckinRecord]) -> list[Finding]:
    """Trends up to the latest record (which should include the current check-in)."""
    if not records:
        return []
    latest = records[-1]
    out = [_rise_finding(rise, latest) for rise in pain_rises(records)]
    weeks = consecutive_ostrc_substantial(records)
    if weeks:
        rule = evidence.rule("clinic.triage.ostrc_two_weeks")
        two = weeks >= rule.value
        out.append(make_finding(
            codes.OSTRC_SUBSTANTIAL, Severity.HIGH if two else Severity.MODERATE,
            "OSTRC substantial problem" + (f", {weeks} weeks running" if two else " this week"),
            "The weekly OSTRC questionnaire shows a moderate or severe reduction in training or performance, or "
            "no participation." + (" Two weeks in a row means a professional should examine it." if two else ""),
            measured=weeks, threshold=rule.value, unit="weeks", rule=rule,
            extra_citations=evidence.rule("clinic.ostrc.substantial").citations, on_date=latest.on_date))
    return out


def pain_rises(records: list[CheckinRecord]) -> list[PainRise]:
    """How the latest record's pain has risen against the earlier ones, by the pain rule's 'clearly worse':
    the one computation behind the trend findings and the check-in's and the plan's words about it."""
    if not records:
        return []
    return [r for r in (_worse_over_window(records, records[-1]), _morning_above_baseline(records)) if r]


def _worse_over_window(records: list[CheckinRecord], latest: CheckinRecord) -> PainRise | None:
    window = int(evidence.value("clinic.trend.window_days"))
    start = latest.on_date - dt.timedelta(days=window)
    earlier = [r for r in records[:-1] if start <= r.on_date < latest.on_date and r.pain is not None]
    if not earlier or latest.pain is None or not pain_rule.risen(earlier[0].pain, latest.pain):
        return None
    first = earlier[0]
    return PainRise(codes.WORSE_OVER_TWO_WEEKS.code, first.pain, latest.pain,
                    f"pain from {first.pain:g}/10 on {first.on_date:%d %b %Y} to {latest.pain:g}/10 now", first.on_date,
                    f"your pain rose from {first.pain:g}/10 on {first.on_date:%d %b %Y} to {latest.pain:g}/10")


def _morning_above_baseline(records: list[CheckinRecord]) -> PainRise | None:
    """Next-morning pain not settled and risen by the minimal important change over the athlete's own
    baseline: the pain rule's 'clearly worse'."""
    now = records[-1].answers.get("pain_next_morning")
    baseline = morning_baseline(records[:-1])
    if not pain_rule.morning_risen(now, baseline):
        return None
    return PainRise(codes.MORNING_PAIN_ABOVE_BASELINE.code, baseline, now,
                    f"next-morning pain {now:g}/10 against your usual {baseline:g}/10",
                    rose=f"your next-morning pain rose from your usual {baseline:g}/10 to {now:g}/10")


def _rise_finding(rise: PainRise, latest: CheckinRecord) -> Finding:
    change = evidence.rule(pain_rule.CHANGE_KEY)
    if rise.code == codes.WORSE_OVER_TWO_WEEKS.code:
        return make_finding(
            codes.WORSE_OVER_TWO_WEEKS, pain_rule.decision_severity(pain_rule.LoadDecision.STEP_BACK),
            "Pain worse over two weeks",
            f"Pain rose from {rise.before} on {rise.since.isoformat()} to {rise.now} now: a rise of "
            f"{change.value} points or more is one people feel as clearly worse, so the pain rule steps the load back.",
            measured=rise.now - rise.before, threshold=change.value, unit="points", rule=change,
            on_date=latest.on_date)
    decision = pain_rule.morning_decision(rise.now, rise.before)
    return make_finding(
        codes.MORNING_PAIN_ABOVE_BASELINE, pain_rule.decision_severity(decision),
        "Next-morning pain above your baseline",
        f"Next-morning pain {rise.now}/10 vs your earlier median of {rise.before:g}/10: it has not settled to "
        f"{pain_rule.settled_max():g}/10 and is {change.value} points or more above your usual, a change people "
        "feel as clearly worse, so the pain rule steps your training back (your plan says what that means now).",
        measured=rise.now, threshold=rise.before + change.value, unit="/10", rule=change,
        extra_citations=evidence.rule(pain_rule.SETTLED_KEY).citations, on_date=latest.on_date)


def morning_baseline(records: list[CheckinRecord]) -> float | None:
    """The median next-morning pain of the latest few check-ins (None without any)."""
    before = [r.answers.get("pain_next_morning") for r in baseline_checkins(records)]
    return statistics.median(before) if before else None


def baseline_checkins(records: list[CheckinRecord]) -> list[CheckinRecord]:
    """The check-ins `morning_baseline` takes the middle of: the latest few with a next-morning answer."""
    return [r for r in records if r.answers.get("pain_next_morning") is not None][-BASELINE_CHECKINS:]
