"""The pain-monitoring rule (`kneeguard.pain_rule`, Silbernagel 2007) applied to the latest check-in
and the pain recorded with the plan sessions ticked off since: may loads progress, hold, step back
one level, or stop?

One decision (`PainState.decision`) for the whole plan: the worst of what each reading calls for.
`hold` (nothing rises) is true for HOLD, STEP_BACK and STOP; `step_back` only for STEP_BACK; `stop`
only for STOP. The plan keeps it until the next check-in or tick regenerates it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kneeguard import evidence, pain_rule
from kneeguard.advice.running_plan import walk_run_words
from kneeguard.advice.session import KIND_WORDS
from kneeguard.clinic import codes as clinic_codes
from kneeguard.clinic.levels import TriageLevel
from kneeguard.clinic.triage import SURGEON_ROUTE
from kneeguard.codes import any_of
from kneeguard.errors import InvalidInput
from kneeguard.pain_rule import LoadDecision

if TYPE_CHECKING:
    from kneeguard.clinic.assess import CheckinAssessment

__all__ = ["LoadDecision", "PainState", "SessionPain", "pain_state"]

# Trend findings from the check-in history that mean pain is rising week to week (step back).
RISING_CODES = (clinic_codes.MORNING_PAIN_ABOVE_BASELINE, clinic_codes.WORSE_OVER_TWO_WEEKS)


@dataclass(frozen=True)
class SessionPain:
    """Pain (0-10) recorded when ticking a plan session off: during it and the next morning."""

    day: dt.date
    kind: str
    during: int | None = None
    morning: int | None = None

    @classmethod
    def of(cls, item: "SessionPain | tuple") -> "SessionPain":
        """A SessionPain, or a (day, kind, during[, morning]) tuple as older callers pass."""
        if isinstance(item, SessionPain):
            return item
        if isinstance(item, tuple) and len(item) in (3, 4):
            return cls(*item)
        raise InvalidInput(f"session pain must be (day, kind, during[, morning]), got {item!r}")

    @property
    def recorded(self) -> bool:
        return self.during is not None or self.morning is not None

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "kind": self.kind, "during": self.during, "morning": self.morning}


@dataclass
class PainState:
    known: bool  # a usable, recent check-in exists
    level: TriageLevel | None  # None without a check-in
    has_pain: bool | None = None
    during_run: float | None = None
    next_morning: float | None = None
    at_rest: float | None = None  # "Pain right now, at rest": the floor a walk's pain starts from
    usual_morning: float | None = None  # the next-morning baseline this check-in was measured against
    usual_morning_from: tuple = ()  # the check-ins' days it is the middle of
    stop: bool = False  # emergency / urgent: nothing but rest and a professional
    hold: bool = False  # no load may rise in this plan
    step_back: bool = False
    limits_running: bool = False  # use the walk/run return-to-run progression
    surgeon_first: bool = False  # a special-group route: the surgeon's team decides running progression
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # finding codes behind hold / limits
    decision: LoadDecision = LoadDecision.PROGRESS
    checked_on: dt.date | None = None  # the check-in's day: a held plan's re-check counts from it
    # How far running goes until the visit the triage books, in short ('' without one): the summary's Running
    # row says it beside the running plan; the reason below gives it in full.
    cap: str = ""
    # The ticked sessions' pain that held or stepped the plan back, in short ("8/10 during your walk/run on
    # Mon 07 Dec"): the verdict quotes them beside the check-in's values, since they may be what decided.
    session_values: list[str] = field(default_factory=list)

    @property
    def usual_morning_words(self) -> str:
        """The pain rule's "usual next morning" as this runner's number ('' without one): the plan's one line."""
        return pain_rule.usual_morning_words(self.usual_morning, self.usual_morning_from)

    @property
    def morning_steps_back(self) -> bool:
        """The check-in's next morning alone steps the plan back (above the acceptable band, or risen from the
        usual next morning): while walking only, the walks themselves get shorter (`advice.rtr`)."""
        return (self.next_morning is not None
                and pain_rule.morning_decision(self.next_morning, self.usual_morning) is LoadDecision.STEP_BACK)

    def apply(self, decision: LoadDecision, code: str, reason: str) -> None:
        """Record one reading's verdict; the state keeps the worst, and hold/step_back/stop follow it."""
        self.decision = self.decision.worst(decision)
        self.stop = self.decision is LoadDecision.STOP
        self.step_back = self.decision is LoadDecision.STEP_BACK
        self.hold = self.decision is not LoadDecision.PROGRESS
        if code not in self.codes:
            self.codes.append(code)
        if reason not in self.reasons:
            self.reasons.append(reason)

    @property
    def pain_free(self) -> bool:
        return self.known and (self.has_pain is False or (
            (self.during_run or 0) <= pain_rule.safe_max()
            and (self.next_morning or 0) <= pain_rule.safe_max()
            and self.has_pain is not True))

    @property
    def verdict(self) -> str:
        """The decision in the runner's words with the runner's own last values: 'Your pain (4/10 in runs,
        2/10 next morning) is within the limits: you can follow the plan as written.' The limits are `pain_rule.describe()`."""
        if not self.known:  # what was recorded since is said as such, not as unknown (a runner's review)
            recorded = f", and you recorded {'; '.join(self.session_values)}" if self.session_values else ""
            walk = ": no running for now, walk instead" if self.limits_running else ""
            return (f"Your pain is not known from a recent check-in{recorded}{walk}; nothing increases until you "
                    "check in.")
        values = [f"{v:g}/10 {where}" for v, where in ((self.during_run, "in runs"), (self.next_morning, "next morning"))
                  if v is not None]
        parts = [", ".join(values) + (" at your check-in" if self.session_values else "")] if values else []
        parts += self.session_values  # the ticks that held or stepped back: they may be what decided
        yours = f"Your pain ({'; '.join(parts)})" if parts else "Your pain"
        if self.decision is LoadDecision.STEP_BACK and self.limits_running:  # the step back is to walking
            return f"{yours} is beyond the limits: no running for now, walk instead."
        return f"{yours} {_VERDICTS[self.decision]}"

    def to_dict(self) -> dict[str, Any]:
        return {"known": self.known, "level": self.level.value if self.level else None, "has_pain": self.has_pain,
                "during_run": self.during_run, "next_morning": self.next_morning, "decision": self.decision.value,
                "stop": self.stop, "hold": self.hold, "step_back": self.step_back,
                "limits_running": self.limits_running, "reasons": list(self.reasons), "codes": list(self.codes)}


_VERDICTS = {
    LoadDecision.PROGRESS: "is within the limits: you can follow the plan as written.",
    LoadDecision.HOLD: "calls for a hold: nothing increases until it settles.",
    LoadDecision.STEP_BACK: "is beyond the limits: the plan steps back one level.",
    LoadDecision.STOP: "with a warning sign: stop training and get checked.",
}


def pain_state(checkin: CheckinAssessment | None, finding_codes: list[str], *, stale: bool = False,
               session_pain: list[SessionPain] | tuple = ()) -> PainState:
    """`session_pain`: what the athlete recorded when ticking plan sessions off since the latest check-in."""
    sessions = [SessionPain.of(s) for s in session_pain]
    if not checkin:
        state = PainState(False, None)
        state.apply(LoadDecision.HOLD, "advice.no_checkin",
                    "no check-in yet: pain is unknown, so no load rises until you do one")
        _session_pain(state, sessions, baseline=None)
        return state
    answers = checkin.answers
    level = checkin.level
    state = PainState(not stale, level, answers.get("has_pain"), _num(answers.get("pain_during_run")),
                      _num(answers.get("pain_next_morning")), _num(answers.get("pain_now")), checked_on=checkin.on_date,
                      usual_morning=checkin.pain_history.usual_morning if checkin.pain_history else None,
                      usual_morning_from=checkin.pain_history.usual_morning_from if checkin.pain_history else ())
    if level.stops_training:
        state.apply(LoadDecision.STOP, level.registry_key,
                    f"triage level {level}: see a professional before any training")
    _checkin_pain(state, answers, finding_codes, checkin.pain_history.rise_words if checkin.pain_history else "")
    route = next((r for r in checkin.reasons if r.route == SURGEON_ROUTE), None)
    if route is not None:  # issue #13: after a knee replacement or in post-operative rehab, the surgeon first
        state.surgeon_first = True
        state.apply(LoadDecision.HOLD, f"clinic.triage.{route.rule}",
                    "your surgeon's or arthroplasty team's protocol comes first: running does not progress until they agree")
    if level.needs_professional and not level.stops_training and state.has_pain:
        # Routine: pain within the acceptable band: keep running, but nothing rises until a professional has
        # seen it; walk/run is kept for pain above that band (handled above).
        # With pain beyond the acceptable band running is already cut to walking: "keep running" would contradict it.
        # No "only" beside walk/run in the same sentence: the running plan says when walk/run may start, and
        # this says how far it goes until the visit.
        until = "until a professional has seen the knee"
        keep = ("no running yet, walks and exercises (the running plan says when walk/run can start); once it "
                f"starts, walk/run stays at its first step, {_first_walk_run()}," if state.limits_running else
                "keep running and exercise at this level, no increases,")
        state.cap = (f"walk/run stays at its first step {until}" if state.limits_running else
                     f"running stays at this level, no increases, {until}")
        state.apply(LoadDecision.HOLD, level.registry_key, f"while you wait to see a professional: {keep} {until}")
    _session_pain(state, sessions, baseline=state.next_morning)
    if stale:
        state.apply(LoadDecision.HOLD, "advice.checkin.stale",
                    "your latest check-in is out of date: loads hold until a new one")
    return state


def _first_walk_run() -> str:
    """The return-to-run's first walk/run phase in words (the registry's phase after walking only)."""
    return f"{walk_run_words(evidence.value('advice.rtr.phases')[1])} on the flat"


def _checkin_pain(state: PainState, answers: dict[str, Any], finding_codes: list[str], rise_words: str = "") -> None:
    """`rise_words`: how the pain has risen, as the check-in says it (`clinic.episode.PainHistory`)."""
    acceptable, settled = pain_rule.acceptable_max(), pain_rule.settled_max()
    if pain_rule.during_decision(state.during_run) is LoadDecision.STEP_BACK:
        state.limits_running = True
        state.apply(LoadDecision.STEP_BACK, "advice.pain.during_above_acceptable",
                    f"pain during running {state.during_run:g}/10 is above the acceptable {acceptable:g}/10: "
                    "step back one level")
    # The baseline rise is judged over the check-in history (clinic.morning_pain_above_baseline below).
    morning = pain_rule.morning_decision(state.next_morning)
    if morning is not LoadDecision.PROGRESS:
        state.apply(morning, "advice.pain.not_settled",
                    f"next-morning pain {state.next_morning:g}/10 has not settled (to {settled:g}/10 or less)"
                    + (": step back one level" if morning is LoadDecision.STEP_BACK else ""))
    if answers.get("trend") == "worse":
        state.apply(LoadDecision.STEP_BACK, "advice.pain.worse",
                    "pain getting worse week to week: step back one level")
    if answers.get("swelling") in ("hours_later", "comes_and_goes"):
        state.apply(LoadDecision.HOLD, "advice.pain.swelling", "the knee swelling: do not progress")
    for code in finding_codes:
        if any_of(code, RISING_CODES):
            rise = f" ({rise_words})" if rise_words else ""
            state.apply(LoadDecision.STEP_BACK, code,
                        f"pain has risen since your earlier check-ins{rise}: step back one level")


def _session_pain(state: PainState, sessions: list[SessionPain], baseline: float | None) -> None:
    """Every ticked session since the check-in, by the same rule; the worst decides."""
    acceptable, settled = pain_rule.acceptable_max(), pain_rule.settled_max()
    for tick in sorted(sessions, key=lambda s: (s.day, s.kind)):
        session = f"your {KIND_WORDS.get(tick.kind, tick.kind)} session on {tick.day:%a %d %b}"
        if pain_rule.during_decision(tick.during) is LoadDecision.STEP_BACK:
            state.session_values.append(f"{tick.during}/10 during {session}")
            state.limits_running = True
            state.apply(LoadDecision.STEP_BACK, "advice.pain.session_above_acceptable",
                        f"pain {tick.during}/10 during {session} is above the acceptable {acceptable:g}/10: "
                        "step back (walking only for now, then walk/run)")
        morning = pain_rule.morning_decision(tick.morning, baseline)
        if morning is not LoadDecision.PROGRESS:
            state.session_values.append(f"{tick.morning}/10 the morning after {session}")
            state.apply(morning, "advice.pain.session_not_settled",
                        f"pain {tick.morning}/10 the morning after {session} has not settled (to {settled:g}/10 or less): "
                        + ("step back one level" if morning is LoadDecision.STEP_BACK else "hold, nothing increases"))


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
