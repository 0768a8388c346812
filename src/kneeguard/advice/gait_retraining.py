"""Cadence retraining when the gait video shows overstriding or a low step rate.

Target = measured cadence x (1 + the low end of the registry's +5-10 %): for pain
behind the knee the smallest effective step, because a higher step rate raises
late-swing hamstring activity (Chumanov 2012). A metronome at the target beat on
2-3 runs a week for a few weeks, then film again to compare with yourself.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kneeguard import evidence, pain_rule
from kneeguard.advice.session import Session, unique_citations
from kneeguard.clinic.levels import TriageLevel
from kneeguard.codes import any_of
from kneeguard.evidence import Citation
from kneeguard.gait import codes as gait_declared
from kneeguard.gait.metrics.temporal import step_rate_targets
from kneeguard.gait.summary import GaitSummary
from kneeguard.numbers import counted

TRIGGERS = (gait_declared.OVERSTRIDE, gait_declared.LOW_CADENCE)


@dataclass
class GaitRetraining:
    active: bool
    summary: str
    measured_cadence_spm: float | None = None
    target_cadence_spm: int | None = None
    upper_cadence_spm: int | None = None
    metronome_bpm: int | None = None
    weeks: int = 0
    schedule: list[str] = field(default_factory=list)
    film_date: dt.date | None = None
    caution: str = ""
    pain_hold: str = ""  # the pain rule for the new step rate: back to the usual one if it provokes the pain
    reason: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    on_hold: bool = False  # active, but the plan has no continuous runs to put the metronome on yet

    @property
    def brief(self) -> str:
        """The summary in a line for the clinician's two pages: while on hold only the step rates and the
        metronome (the weeks and the pain rule are for when it starts, in the plan)."""
        if not (self.on_hold and self.measured_cadence_spm and self.target_cadence_spm and self.metronome_bpm):
            return self.summary
        low = evidence.value("gait.cadence.increase_pct")[0]  # said, as the runner's words say it
        return (f"On hold in this plan (no continuous runs yet); then step rate {self.measured_cadence_spm:.0f} to "
                f"{self.target_cadence_spm} steps/min (+{low} %) with a metronome at {self.metronome_bpm} bpm (weeks "
                "and pain rule in the plan).")

    def to_dict(self) -> dict[str, Any]:
        return {"active": self.active, "summary": self.summary, "measured_cadence_spm": self.measured_cadence_spm,
                "target_cadence_spm": self.target_cadence_spm, "upper_cadence_spm": self.upper_cadence_spm,
                "metronome_bpm": self.metronome_bpm, "weeks": self.weeks, "schedule": list(self.schedule),
                "film_date": self.film_date.isoformat() if self.film_date else None, "caution": self.caution,
                "pain_hold": self.pain_hold, "reason": list(self.reason), "citations": [c.to_dict() for c in self.citations]}


def measured_cadence(gait: GaitSummary | None) -> float | None:
    value = gait.cadence_spm if gait else None
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def plan_gait(gait: GaitSummary | None, gait_codes: list[str], start: dt.date, weeks: int,
              gait_date: dt.date | None) -> GaitRetraining:
    plan_end = start + dt.timedelta(days=weeks * 7 - 1)
    if gait is None:
        return GaitRetraining(False, "No gait video yet: film 20-30 s of easy running from the side "
                              "(`kneeguard gait VIDEO`) so cadence and overstride can be checked.",
                              film_date=start + dt.timedelta(days=1), reason=["advice.no_gait"],
                              citations=list(evidence.rule("gait.capture.stable_steps").citations))
    triggers = [c for c in gait_codes if any_of(c, TRIGGERS)]
    if not triggers and gait.doubt:
        # Doubtful flags are shown as uncertain elsewhere; alone they drive no metronome work.
        return GaitRetraining(False, f"Your latest gait video is doubtful: {gait.doubt}. Its flags are shown as "
                              "uncertain and start no retraining until a clearer video confirms them.",
                              measured_cadence_spm=measured_cadence(gait), film_date=start + dt.timedelta(days=1),
                              reason=["advice.gait.low_video_quality"],
                              citations=list(evidence.rule("gait.capture.doubtful_quality").citations))
    if not triggers:
        refilm = (gait_date or start) + dt.timedelta(days=int(evidence.value("advice.gait.refilm_days")))
        return GaitRetraining(False, "No overstride or low-cadence flag in your latest gait video: no retraining. "
                              "Film again to compare with yourself later.",
                              measured_cadence_spm=measured_cadence(gait),
                              film_date=refilm if start <= refilm <= plan_end else None,
                              citations=list(evidence.rule("advice.gait.refilm_days").citations))
    cadence = measured_cadence(gait)
    cites = unique_citations(evidence.rule("gait.cadence.increase_pct").citations,
                             evidence.rule("advice.gait.retrain_weeks").citations,
                             evidence.rule("advice.gait.hamstring_caution").citations)
    caution = evidence.rule("advice.gait.hamstring_caution").summary
    retrain_weeks = min(int(evidence.value("advice.gait.retrain_weeks")), weeks)
    film = start + dt.timedelta(days=retrain_weeks * 7)
    film = film if film <= plan_end else plan_end
    if cadence is None:
        return GaitRetraining(False, "Your video flagged overstriding but no cadence could be measured: film again "
                              "(side view, 60 fps or more) to get a target step rate.", film_date=start + dt.timedelta(days=1),
                              caution=caution, reason=triggers, citations=cites)
    target, upper = step_rate_targets(cadence)
    hold = pain_rule.provoking_change_text("the new step rate", "your usual step rate", "metronome minutes")
    # The +10 % upper limit stays in the clinician data (`upper_cadence_spm`): in the runner's words it reads as a target.
    return GaitRetraining(
        True, _step_rate_words(cadence, target, retrain_weeks, hold), cadence, target, upper, target, retrain_weeks,
        _schedule(target, retrain_weeks, film), film, caution, hold, triggers,
        unique_citations(cites, evidence.rule(pain_rule.ACCEPTABLE_KEY).citations))


def _step_rate_words(cadence: float, target: int, weeks: int, hold: str, from_continuous: bool = False) -> str:
    """The runner's step-rate sentence; `from_continuous`: weeks counted from the first week of continuous
    running (a plan that has none yet), not from the plan's week 1."""
    low = evidence.value("gait.cadence.increase_pct")[0]
    minutes = evidence.value("advice.gait.metronome_minutes")
    per_week = int(evidence.value("advice.gait.metronome_runs_per_week"))
    return (f"Raise your step rate from {cadence:.0f} to {target} steps/min (+{low} %) with a metronome at {target} "
            f"bpm {_dose_words(minutes, per_week, weeks, from_continuous)}. {hold}")


def _schedule(target: int, weeks: int, film: dt.date | None, from_continuous: bool = False) -> list[str]:
    minutes = evidence.value("advice.gait.metronome_minutes")
    per_week = int(evidence.value("advice.gait.metronome_runs_per_week"))
    schedule = [f"{_week_words(w, from_continuous).capitalize()}: metronome at {target} bpm on up to {per_week} easy "
                f"runs, {minutes[min(w, len(minutes) - 1)]} min per run with it" for w in range(weeks)]
    schedule.insert(0, f"Before {_week_words(0, from_continuous)}: 5 minutes of practice with the metronome on an "
                       "easy run (shorter steps, same speed; land with the foot closer under the hip)")
    schedule.append(f"{film.isoformat()}: film again from the side and run `kneeguard gait VIDEO` to compare"
                    if film is not None else
                    "Once you run again: film from the side and run `kneeguard gait VIDEO` to compare")
    return schedule


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _week_words(week: int, from_continuous: bool, first: bool = True) -> str:
    """'week 2', or, counted from continuous running, 'the second week of continuous running' (`first`: the
    whole phrase; otherwise 'the second', for a list that named it once)."""
    if not from_continuous:
        return f"week {week + 1}"
    nth = _ORDINALS[week] if week < len(_ORDINALS) else f"{week + 1}th"
    return f"the {nth} week of continuous running" if first else f"the {nth}"


def _dose_words(minutes: list[int], per_week: int, weeks: int, from_continuous: bool = False) -> str:
    """'for 10 min of up to 3 runs a week in week 1, 20 min in week 2, 30 min in week 3': the dose of each week, from
    the schedule's own numbers (a range such as '10 rising to 30' leaves the weeks between to guessing).
    `from_continuous`: '... in the first week of continuous running, 20 in the second, 30 in the third'."""
    used = [minutes[min(w, len(minutes) - 1)] for w in range(weeks)]
    if len(set(used)) == 1:
        tail = " of continuous running" if from_continuous else ""
        return f"for {used[0]} min of up to {per_week} runs a week for {counted(weeks, 'week')}{tail}"
    later = ", ".join(f"{m} min in {_week_words(w, from_continuous, first=False)}" for w, m in enumerate(used) if w)
    return f"for {used[0]} min of up to {per_week} runs a week in {_week_words(0, from_continuous)}, {later}"


def apply_gait(retraining: GaitRetraining, sessions: list[Session], start: dt.date) -> list[Session]:
    """Put the metronome target on the first runs of each retraining week; add the filming day."""
    out: list[Session] = []
    if not any(s.is_running for s in sessions):
        # a plan of walking only has no running to film (a runner found "Film your running" on a walking-only
        # day): the filming comes with the plan that runs again (a walk/run's run minutes are enough to film)
        retraining.film_date = None
    if retraining.active:
        minutes = evidence.value("advice.gait.metronome_minutes")
        per_week = int(evidence.value("advice.gait.metronome_runs_per_week"))
        used: dict[int, int] = {}
        # the retraining weeks count from the first week with continuous running: a walk/run return reaching it in
        # week 3 gave its first continuous runs week 3's 30 min, not the first week's 10 (read 43)
        first = min(((s.date - start).days // 7 for s in sessions if _continuous(s)), default=0)
        for s in sessions:
            week = (s.date - start).days // 7 - first
            if _continuous(s) and 0 <= week < retraining.weeks and used.get(week, 0) < per_week:
                used[week] = used.get(week, 0) + 1
                s.target_cadence_spm = retraining.target_cadence_spm
                s.metronome_min = int(minutes[min(week, len(minutes) - 1)])
                # the dose itself is the session's field (`metronome_sentence`), shown once by each view
                s.details += f" {retraining.pain_hold}"
                s.reason = list(dict.fromkeys([*s.reason, *retraining.reason]))
                s.citations = unique_citations(s.citations, retraining.citations)
        if used and first > 0 and not retraining.on_hold:
            last = max(s.date for s in sessions)
            retraining.film_date = min(start + dt.timedelta(days=7 * (first + retraining.weeks)), last)
            _count_from_continuous(retraining)
        if not used and not retraining.on_hold:
            # the weekly metronome minutes counted from plan week 1 would read as work for this plan's walking
            # weeks: they are counted from the first week of continuous running instead
            retraining.on_hold = True
            _count_from_continuous(retraining, "On hold in this plan (no continuous runs yet); once you run "
                                               "continuously again: ")
            retraining.schedule.append("Your plan has no continuous runs yet: start the metronome work once "
                                       "you run continuously again.")
    if retraining.film_date is not None:
        out.append(Session(retraining.film_date, "film", "Film your running (side view)",
                           "20-30 s of easy running, side view, phone at hip height, 60 fps or more if possible; "
                           "then `kneeguard gait VIDEO`.", duration_min=15, reason=retraining.reason or ["advice.gait.refilm"],
                           citations=retraining.citations))
    return out


def _count_from_continuous(retraining: GaitRetraining, lead: str = "") -> None:
    """The retraining's words and schedule with its weeks counted from the first week of continuous running (a
    plan that starts with walk/run, or has none yet: `lead` says so)."""
    cadence, target = retraining.measured_cadence_spm, retraining.target_cadence_spm
    retraining.summary = lead + _step_rate_words(cadence, target, retraining.weeks, retraining.pain_hold, True)
    retraining.schedule = _schedule(target, retraining.weeks, retraining.film_date, True)


def _continuous(session: Session) -> bool:
    """A run without walk breaks: a plan run, or the walk/run progression's continuous phases."""
    return session.kind == "run" or (session.kind == "walk_run" and bool(session.phase)
                                     and session.phase.startswith("Continuous"))


def for_the_professional(gait: GaitRetraining, walking_only: bool, level: TriageLevel | None) -> GaitRetraining:
    """A walking-only plan that waits for a professional (routine) has no running for a step rate: the change is
    the professional's to decide, with the video's figures (read 47: a prescription in a walk-only week read as
    noise beside 'walk/run stays at its first step until a professional has seen the knee')."""
    if not (gait.on_hold and walking_only and level is not None and level.needs_professional
            and gait.measured_cadence_spm and gait.target_cadence_spm):
        return gait
    low = evidence.value("gait.cadence.increase_pct")[0]
    return GaitRetraining(False, f"Step rate: for the professional who sees the knee to decide, once you run again "
                          f"(your video: {gait.measured_cadence_spm:.0f} steps/min; kneeguard would start at +{low} %, "
                          f"{gait.target_cadence_spm} steps/min).", measured_cadence_spm=gait.measured_cadence_spm,
                          target_cadence_spm=gait.target_cadence_spm, film_date=gait.film_date, reason=gait.reason,
                          citations=gait.citations)
