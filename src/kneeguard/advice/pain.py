"""The pain-monitoring model applied to the latest check-in (and the pain recorded with ticked-off
plan sessions since): may loads progress, hold, or stop?

Silbernagel 2007: during activity up to 5/10 is acceptable, pain must settle by
the next morning and must not rise week to week. When it does not, loads HOLD
(no progression anywhere in the plan) until the next check-in regenerates it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kneeguard import evidence
from kneeguard.clinic.levels import TriageLevel

if TYPE_CHECKING:
    from kneeguard.clinic.assess import CheckinAssessment

# Trend findings from the check-in history that mean pain is rising.
RISING_CODES = ("clinic.morning_pain_above_baseline", "clinic.worse_over_two_weeks")


@dataclass
class PainState:
    known: bool  # a usable, recent check-in exists
    level: TriageLevel | None  # None without a check-in
    has_pain: bool | None = None
    during_run: float | None = None
    next_morning: float | None = None
    stop: bool = False  # emergency / urgent: nothing but rest and a professional
    hold: bool = False  # no load may rise in this plan
    step_back: bool = False
    limits_running: bool = False  # use the walk/run return-to-run progression
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # finding codes behind hold / limits

    @property
    def pain_free(self) -> bool:
        return self.known and (self.has_pain is False or (
            (self.during_run or 0) <= evidence.value("advice.pain.safe_max")
            and (self.next_morning or 0) <= evidence.value("advice.pain.safe_max")
            and self.has_pain is not True))

    def to_dict(self) -> dict[str, Any]:
        return {"known": self.known, "level": self.level.value if self.level else None, "has_pain": self.has_pain,
                "during_run": self.during_run, "next_morning": self.next_morning, "stop": self.stop,
                "hold": self.hold, "limits_running": self.limits_running, "reasons": list(self.reasons),
                "codes": list(self.codes)}


def pain_state(checkin: CheckinAssessment | None, finding_codes: list[str], *, stale: bool = False,
               session_pain: list[tuple[Any, str, int]] | tuple = ()) -> PainState:
    """`session_pain`: (day, session kind, pain 0-10) the athlete recorded when ticking plan
    sessions off since the latest check-in; pain above the acceptable band holds loads too."""
    if not checkin:
        state = PainState(False, None, hold=True, codes=["advice.no_checkin"],
                          reasons=["no check-in yet: pain is unknown, so no load rises until you do one"])
        _session_pain(state, session_pain)
        return state
    answers = checkin.answers
    level = checkin.level
    state = PainState(not stale, level, answers.get("has_pain"), _num(answers.get("pain_during_run")),
                      _num(answers.get("pain_next_morning")))
    acceptable = evidence.value("advice.pain.acceptable_max")
    settled = evidence.value("advice.pain.morning_settled_max")
    if level.stops_training:
        state.stop = state.hold = True
        state.codes.append(level.registry_key)
        state.reasons.append(f"triage level {level}: see a professional before any training")
    if state.during_run is not None and state.during_run > acceptable:
        state.hold = state.limits_running = True
        state.codes.append("advice.pain.during_above_acceptable")
        state.reasons.append(f"pain during running {state.during_run:g}/10 is above the acceptable {acceptable}/10")
    if state.next_morning is not None and state.next_morning > settled:
        state.hold = True
        state.codes.append("advice.pain.not_settled")
        state.reasons.append(f"next-morning pain {state.next_morning:g}/10 has not settled (to {settled}/10 or less)")
    if answers.get("trend") == "worse" or answers.get("swelling") in ("hours_later", "comes_and_goes"):
        state.hold = True
        state.codes.append("advice.pain.worse_or_swelling")
        state.reasons.append("pain getting worse or the knee swelling: do not progress")
    for code in finding_codes:
        if code.startswith(RISING_CODES):
            state.hold = True
            state.codes.append(code)
            state.reasons.append("pain has risen across your recent check-ins")
    if level.needs_professional and state.has_pain:
        # Pain within the acceptable band: keep running, but nothing rises until a professional has
        # seen it; walk/run is kept for pain above that band (handled above).
        state.hold = True
        state.codes.append(level.registry_key)
        state.reasons.append(f"triage level {level} with pain: hold running and exercise loads until you have been seen")
    _session_pain(state, session_pain)
    if stale:
        state.hold = True
        state.codes.append("advice.checkin.stale")
        state.reasons.append("your latest check-in is out of date: loads hold until a new one")
    state.codes = list(dict.fromkeys(state.codes))
    state.reasons = list(dict.fromkeys(state.reasons))
    return state


def _session_pain(state: PainState, session_pain) -> None:
    acceptable = evidence.value("advice.pain.acceptable_max")
    worst = max(session_pain, key=lambda tick: tick[2], default=None)
    if worst is not None and worst[2] > acceptable:
        state.hold = state.limits_running = True
        state.codes.append("advice.pain.session_above_acceptable")
        state.reasons.append(f"pain {worst[2]}/10 after your {worst[1]} session on {worst[0]} is above the "
                             f"acceptable {acceptable}/10: loads hold and running goes back to walk/run")


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
