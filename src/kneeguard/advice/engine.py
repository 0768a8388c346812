"""`advise(context)`: triage banner, ranked factors and the day-by-day personal plan.

Every recommendation carries `reason` (the finding or rule codes behind it) and
its citations. Nothing rises while the pain rules say hold, and an emergency or
urgent check-in leaves nothing in the plan but rest and the professional visit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kneeguard import evidence
from kneeguard.advice.apply_overrides import apply_overrides
from kneeguard.advice.context import (AthleteContext, MissingPart, finding_source, knee_words, level_condition,
                                      self_tests_measured)
from kneeguard.advice.exercise_sessions import AFTER_RUN, exercise_sessions
from kneeguard.advice.exercises import PAIN_FREE, Prescription, pain_rule_text, self_test_counts
from kneeguard.advice.factors import Factor, prompt_only, rank_factors
from kneeguard.advice.footwear import footwear_advice
from kneeguard.advice.gait_retraining import GaitRetraining, apply_gait, for_the_professional, plan_gait
from kneeguard.advice.overrides import AppliedOverride, in_force, max_weekly_km
from kneeguard.advice.pain import PainState, pain_state
from kneeguard.advice.programme import (
    AFTER_PLAN, AFTER_VISIT, NO_ROOM, SOURCE_STRETCH, LeftOut, choose, eccentric_starts,
)
from kneeguard.advice.recheck import SET_WEEKS, holds_at_week_one, later_weeks_words, recheck_day, recheck_session
from kneeguard.advice.return_to_run import walk_minutes
from kneeguard.advice.running import RunningPlan, plan_running
from kneeguard.advice.running_plan import WALKING_ONLY
from kneeguard.advice.session import SESSION_KINDS, Recommendation, Session, unique_citations
from kneeguard.advice.week_summary import WeekSummary, week_summaries
from kneeguard.clinic.episode import both_knees_visit
from kneeguard.clinic.levels import TriageLevel
from kneeguard.disclaimer import DISCLAIMER
from kneeguard.load import codes as load_codes_declared
from kneeguard.findings import Finding, Severity
from kneeguard import pain_rule
from kneeguard.pain_rule import walking_only_exercise_words
from kneeguard.plan_length import DEFAULT_PLAN_WEEKS, check_plan_weeks
from kneeguard.text import listed

TOP_FACTORS = 5
HEADLINES = {
    # every view shows the level's own tag beside the headline ('URGENT URGENT: see a doctor today', a coach)
    TriageLevel.EMERGENCY: "Get help now. Do not run.",
    TriageLevel.URGENT: "See a doctor today. No running or training until you have been seen.",
    TriageLevel.ROUTINE: "Book a physiotherapist or sports doctor within 1-2 weeks; the plan below is gentle meanwhile.",
    TriageLevel.SELF_CARE: "Self-care is reasonable: follow the plan below.",
}
# Levels whose headline already says the check-in's level action ("book … within 1-2 weeks"): the banner
# lists only the other lines, so the runner reads the booking once. Emergency, urgent and self-care keep
# the action line: it adds where to go or the limits and the safety net.
HEADLINE_SAYS_ACTION = frozenset({TriageLevel.ROUTINE})
PROFESSIONAL_TITLES = {
    TriageLevel.EMERGENCY: "Emergency care now",
    TriageLevel.URGENT: "See a doctor today",
    TriageLevel.ROUTINE: "Book a physiotherapist or sports doctor (1-2 weeks)",
}
BRING = ["this report (its two-page summary is enough)", "your latest check-in and pain diary", "your runs of the last 30 days",
         "your running shoes", "your gait video, if you have one", "your self-test results"]
# A same-day or emergency visit (read 51: shoes and a gait video were the wrong list for a clot check): what the
# doctor needs to weigh a clot, an infection or a fracture.
BRING_TODAY = ("Bring: a list of your medicines (including contraception or hormone treatment) and, if you can, this "
               "report's two-page summary. Tell the doctor about any recent long journey, operation or illness, and "
               "any earlier blood clot.")


NO_CHECKIN = "no-checkin"  # the banner's level in JSON when there is no check-in yet


@dataclass
class Banner:
    level: TriageLevel | None  # None: no check-in yet
    headline: str
    what_to_do: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    checkin_date: dt.date | None = None
    review_date: dt.date | None = None
    stale: bool = False
    both_knees: str = ""  # the visit for both knees, one of `what_to_do` when the other knee may still hurt

    @property
    def lines(self) -> list[str]:
        """The lines shown under the headline: `what_to_do` without the level action the headline restates."""
        if self.level not in HEADLINE_SAYS_ACTION:
            return list(self.what_to_do)
        action = evidence.value(self.level.registry_key)
        return [line for line in self.what_to_do if line != action]

    @property
    def level_name(self) -> str:
        """The level as JSON and the terminal spell it ("self-care", ..., "no-checkin")."""
        return self.level.value if self.level else NO_CHECKIN

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level_name, "headline": self.headline, "what_to_do": list(self.what_to_do),
                "reasons": list(self.reasons), "checkin_date": self.checkin_date.isoformat() if self.checkin_date else None,
                "review_date": self.review_date.isoformat() if self.review_date else None, "stale": self.stale}


@dataclass
class Advice:
    athlete: str
    as_of: dt.date
    start: dt.date
    weeks: int
    banner: Banner
    pain: PainState
    factors: list[Factor]
    strength: list[Prescription]
    warmup: list[Prescription]
    flexibility: list[Prescription]
    running: RunningPlan
    gait: GaitRetraining
    footwear: list[Recommendation]
    professional: Recommendation
    missing: list[MissingPart]
    notes: list[str]
    days: list[Session]
    disclaimer: str = DISCLAIMER
    uncertain: list[Finding] = field(default_factory=list)  # shown with their reason, never acted on
    overrides: list[AppliedOverride] = field(default_factory=list)  # the clinician's edits, applied or not
    recheck: dt.date | None = None  # a held plan's re-check: only week 1 is set, the later weeks wait for it
    # the note (also among `notes`) when the check-in disagrees with the profile: views say it first, since the
    # plan's distances come from the profile's runs (read 38); '' without
    profile_note: str = ""
    other_knee_note: str = ""  # earlier check-ins were about the other knee (`AthleteContext.other_knee_note`)
    referral_note: str = ""  # an earlier, higher referral this check-in must not undo (`clinic.referral`)
    referral_condition: str = ""  # what the go-ahead then waits for ('the professional ... has seen you')
    knee_side: str | None = None  # the check-in's knee ('left', 'right', 'both'), named where the notes ask
    left_out: list[LeftOut] = field(default_factory=list)  # chosen but in no week (the notes name them, why)

    @property
    def held_back(self) -> list[str]:
        """The exercises left for a later re-check or the physiotherapist (`programme.AFTER_PLAN`), by name: the
        summary's Strength row names them as the plan's note does (a physiotherapist's read: what is decided)."""
        return [x.name for x in self.left_out if x.reason in (AFTER_PLAN, AFTER_VISIT, SOURCE_STRETCH)]

    @property
    def held_back_starter(self) -> str:
        """Who starts `held_back`, as the summary says it: the physiotherapist alone in a plan that sends the
        runner to one (`programme.AFTER_VISIT`)."""
        if any(x.reason == AFTER_VISIT for x in self.left_out):
            return "the physiotherapist starts them"
        return "a re-check or the physiotherapist starts them"

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.weeks * 7 - 1)

    @property
    def set_weeks(self) -> int:
        """The weeks with set sessions: all of them, or week 1 only while the pain rule holds (`advice.recheck`)."""
        return SET_WEEKS if self.recheck else self.weeks

    @property
    def scheduled_end(self) -> dt.date:
        """The last day with set sessions (`end` unless the plan holds at week 1)."""
        return self.start + dt.timedelta(days=self.set_weeks * 7 - 1)

    @property
    def later_weeks_words(self) -> str:
        """'Weeks 2-6 (...): not scheduled yet...' for a plan held at week 1; '' for one whose weeks are all set."""
        return later_weeks_words(self.start, self.weeks, self.recheck) if self.recheck else ""

    @property
    def later_weeks_brief(self) -> str:
        """`later_weeks_words` in the clinician summary's fewer words."""
        return later_weeks_words(self.start, self.weeks, self.recheck, brief=True) if self.recheck else ""

    @property
    def top_factors(self) -> list[Factor]:
        """The leading possible causes; a factor dated after the pain began is never one (`aggravating`)."""
        return [f for f in self.factors if f.is_cause][:TOP_FACTORS]

    @property
    def aggravating(self) -> list[Factor]:
        """Factors that happened after the pain began: they may have aggravated it, they did not cause it."""
        return [f for f in self.factors if not f.is_cause]

    @property
    def exercise_minutes(self) -> list[int]:
        """Minutes of strength and mobility sessions per plan week (`advice.exercise.max_minutes_per_week`)."""
        return [w.exercise_min for w in self.week_summaries]

    @property
    def strength_after_run(self) -> str:
        """`AFTER_RUN` when any strength session shares its day with a run ('' otherwise): the plan's listing says
        it once (read 27 found it only in the sessions' details)."""
        running = {s.date for s in self.days if s.is_running}
        return AFTER_RUN if any(s.kind == "strength" and s.date in running for s in self.days) else ""

    @property
    def week_summaries(self) -> list[WeekSummary]:
        """Each set week in one line (runs, km, longest run, strength days, minutes): the CLI's weeks ahead and the
        report's weekly table."""
        return week_summaries(self.days, self.start, self.set_weeks)

    @property
    def exercise_minutes_budget(self) -> int:
        return int(evidence.value("advice.exercise.max_minutes_per_week"))

    @property
    def usual_morning_words(self) -> str:
        """The pain rule's "usual next morning" as this runner's number, said for this plan's level ('' without)."""
        return pain_rule.usual_morning_words(self.pain.usual_morning, self.pain.usual_morning_from,
                                             walking_only=self.running.mode == WALKING_ONLY, now=self.pain.next_morning,
                                             walks=walk_minutes(self.pain))

    @property
    def first_notes(self) -> list[str]:
        """The notes said under the banner, before the plan: whose data and which knee it was made from."""
        return [n for n in (self.referral_note, self.profile_note, self.other_knee_note) if n]

    @property
    def waits_for_notes(self) -> bool:
        """The go-ahead waits for the notes said first (whose check-in, which knee): only the go-ahead; a hold, step
        back or stop holds whoever's check-in it is (when unsure, the cautious one). An earlier referral the runner
        said was seen to is said first but waits for nothing."""
        return bool(self.notes_settled) and self.pain.decision is pain_rule.LoadDecision.PROGRESS

    @property
    def verdict(self) -> str:
        """The pain's verdict (`PainState.verdict`), conditional on the notes said first: 'you can follow the plan
        as written' under a note asking for a new check-in first read as a go-ahead (read 45)."""
        if not self.waits_for_notes:
            return self.pain.verdict
        return f"{self.pain.verdict} This holds only if the notes above are settled: {self.notes_settled}."

    @property
    def notes_settled(self) -> str:
        """What the notes said first wait for, in a clause: 'the professional your earlier check-in of 30 Jun asked
        for has seen you and the check-in is yours and about your left knee' (the verdict and the first week say it)."""
        settled = [self.referral_condition] if self.referral_condition else []
        if self.profile_note or self.other_knee_note:
            settled.append(f"the check-in is yours and about {knee_words(self.knee_side)}")
        return listed(settled)

    @property
    def pain_rule_words(self) -> str:
        """The pain rule as this plan states it (`pain_rule.describe`): a walking-only plan's own limit first; a
        plan that stops training says it is for later (an urgent plan read "pain up to 5/10 is acceptable" in a
        run right under "no running until you have been seen")."""
        rule = pain_rule.describe(walking_only=self.running.mode == WALKING_ONLY)
        if self.pain.decision is pain_rule.LoadDecision.STOP:
            return ("For later, once a professional has cleared you to train again (not before): "
                    f"{rule[0].lower()}{rule[1:]}")
        return rule

    @property
    def exercise_pain_words(self) -> str:
        """The exercises' own pain limit while the plan walks only ('' otherwise: the pain rule's)."""
        return walking_only_exercise_words() if self.running.mode == WALKING_ONLY else ""

    @property
    def exercise_minutes_words(self) -> str:
        """The weekly strength and mobility time against its budget, as the CLI and the web plan print it (the
        warm-up note only when the plan has a run warm-up)."""
        minutes = self.exercise_minutes
        low, high = (min(minutes), max(minutes)) if minutes else (0, 0)
        span = f"{low}" if low == high else f"{low}-{high}"
        warm = "; warm-ups belong to the runs" if self.warmup else ""
        # 'budget' read as jargon to a physiotherapist handing the plan to a patient
        cap = self.exercise_minutes_budget
        return f"Strength and mobility: {span} min a week (this plan keeps it to {cap} min at most{warm})."

    def week(self, index: int) -> list[Session]:
        lo = self.start + dt.timedelta(days=7 * index)
        return [s for s in self.days if lo <= s.date < lo + dt.timedelta(days=7)]

    def citations(self) -> list[dict[str, str]]:
        groups = [s.citations for s in self.days] + [p.citations for p in self.strength + self.warmup + self.flexibility]
        groups += [r.citations for r in self.footwear] + [self.professional.citations, self.gait.citations]
        groups += [[evidence.citation(k) for f in self.factors for k in f.citation_keys]]
        return [c.to_dict() for c in unique_citations(*groups)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "athlete": self.athlete, "as_of": self.as_of.isoformat(), "start": self.start.isoformat(),
            "end": self.end.isoformat(), "weeks": self.weeks, "banner": self.banner.to_dict(),
            "pain": self.pain.to_dict(), "top_factors": [f.to_dict() for f in self.top_factors],
            "aggravating": [f.to_dict() for f in self.aggravating],
            "factors": [f.to_dict() for f in self.factors],
            "strength": [p.to_dict() for p in self.strength], "warmup": [p.to_dict() for p in self.warmup],
            "flexibility": [p.to_dict() for p in self.flexibility], "running": self.running.to_dict(),
            "gait_retraining": self.gait.to_dict(), "footwear": [r.to_dict() for r in self.footwear],
            "professional": self.professional.to_dict(), "missing": [m.to_dict() for m in self.missing],
            "notes": list(self.notes), "pain_rule": f"Pain rule: {self.pain_rule_words}", "exercise_minutes_per_week": self.exercise_minutes,
            "exercise_minutes_budget": self.exercise_minutes_budget,
            "days": [s.to_dict() for s in self.days], "set_weeks": self.set_weeks,
            "recheck": self.recheck.isoformat() if self.recheck else None, "later_weeks": self.later_weeks_words,
            "citations": self.citations(), "disclaimer": self.disclaimer,
            "uncertain": [{**f.to_dict(), "source": finding_source(f)} for f in self.uncertain],
            "overrides": [o.to_dict() for o in self.overrides],
        }


def _left_out_note(items: list[LeftOut]) -> list[str]:
    """One note naming each exercise the programme left out, with its own reason."""
    if not items:
        return []
    minutes = int(evidence.value("advice.exercise.max_minutes_per_week"))
    by_reason: dict[str, list[str]] = {}  # exercises with the same reason share it: said once, not three times
    for item in items:
        by_reason.setdefault(item.reason, []).append(item.name)
    reasons = [f"{listed(names)} — {_reason_text(reason, minutes)}" for reason, names in by_reason.items()]
    # read 47: 'your physiotherapist' presumed one in a self-care plan
    return [f"Not in this plan: {'; '.join(reasons)}. If you see a physiotherapist, ask whether to swap one in for "
            "another exercise."]


def _reason_text(reason: str, minutes: int) -> str:
    return f"{reason} (strength and mobility stay within {minutes} min a week)" if reason == NO_ROOM else reason


def advise(context: AthleteContext, *, weeks: int = DEFAULT_PLAN_WEEKS, start: dt.date | None = None) -> Advice:
    """The whole plan for `weeks` weeks (`advice.plan.weeks`: 4-8) from `start` (default: the day after as_of;
    as_of itself for a plan that stops training until a professional has been seen)."""
    check_plan_weeks(weeks)
    codes = context.finding_codes
    # the check-in against the profile, once: it decides the runs, the step-rate work and the factors' marks
    profile_note = context.profile_note
    stale = context.checkin_stale
    pain = pain_state(context.checkin, codes, stale=stale, session_pain=context.session_pain)
    # 'See a doctor today' is today's: a stop plan begins on the day it is made, not tomorrow (a coach found the
    # urgent visit dated the next day in the calendar)
    start = start or (context.as_of if pain.stop else context.as_of + dt.timedelta(days=1))
    load_codes = [c for c in codes if load_codes_declared.SPIKE.matches(c)]
    strength: list[Prescription] = []
    left_out: list[LeftOut] = []
    if not pain.stop:
        causes = context.checkin.possible_causes if context.checkin else []
        # Information-only findings (e.g. an unsourced cut-off) are shown, never acted on: no exercise from them.
        # INFO findings inform only, except a prompt (half of healthy people score below a median): its exercise
        # is still chosen, while the factor list never ranks it (`prompt_only`)
        acted_on = [f for f in context.certain_findings if f.severity is not Severity.INFO or prompt_only(f)]
        strength = choose([f.code for f in acted_on], causes, weeks=weeks, hold=pain.hold, step_back=pain.step_back,
                          self_tests_measured=self_tests_measured(context), left_out=left_out,
                          finding_titles={f.code: f.title for f in acted_on})
        if pain.level is not None and pain.level.needs_professional:
            left_out[:] = [LeftOut(x.name, AFTER_VISIT) if x.reason == AFTER_PLAN else x for x in left_out]
        side = PAIN_FREE if context.answers.get("has_pain") is False else context.answers.get("side")
        for p in strength:  # one-leg exercises name the leg that leads (advice.exercise.legs)
            p.painful_side = side
            p.self_test_counts = self_test_counts(p.exercise, context.answers)
    edits = in_force(context.overrides, context.as_of)
    running = plan_running(context.past_runs(), context.as_of, start, weeks, pain, reason=load_codes,
                           onset=context.pain_onset, weekly=getattr(context.load_report, "weekly", None),
                           no_new_longest=eccentric_starts(strength), max_weekly_km=max_weekly_km(edits),
                           runs_trusted=not profile_note)
    if running.mode == "return_to_run":  # read 45: an easy jog before a walk/run adds running it does not count
        for p in strength:
            if p.exercise.kind == "warmup":
                p.why += "; before a walk/run session, walk only (no jog) until the continuous runs start"
    if pain.stop:
        gait = GaitRetraining(False, "No gait work until a professional has seen you.")
    elif profile_note and context.gait is not None:
        # the step-rate target comes from the profile's video, which may be another person's (read 44: +5 % of
        # someone else's cadence may not be the smallest change for her)
        gait = GaitRetraining(False, "No step-rate work until the profile and your check-in agree: the gait video "
                              "it would start from may not be yours. Correct the profile, or film yourself "
                              "(`kneeguard gait VIDEO`).", reason=["advice.run.profile_conflict"])
    else:
        gait_codes = [f.code for f in context.certain_findings if finding_source(f) == "gait"]
        gait = plan_gait(context.gait, gait_codes, start, weeks, context.gait_date)
    sessions = list(running.sessions)
    if not pain.stop:
        sessions += apply_gait(gait, sessions, start)
        gait = for_the_professional(gait, running.mode == WALKING_ONLY, pain.level)
        sessions += exercise_sessions(strength, start, weeks, {s.date for s in running.sessions},
                                      running.long_run_days, {s.date for s in running.sessions if s.is_running})
        if running.mode == WALKING_ONLY:  # each session says the walking-only limit first, as the plan does
            for s in sessions:
                if s.pain_rule:
                    s.pain_rule = pain_rule_text(walking_only=True)
    professional = _professional(context, pain)
    if pain.stop:
        sessions.append(Session(start, "see_professional", professional.title, professional.text,
                                reason=professional.reason, citations=professional.citations))
    elif pain.surgeon_first or (pain.level is not None and pain.level.needs_professional):
        # Routine or a surgeon-first route: the visit is part of the plan, on day 1, so the calendar makes it happen.
        sessions.append(Session(start, "see_professional", professional.title,
                                professional.text, reason=professional.reason, citations=professional.citations))
    days = _with_rest_days(sessions, start, weeks, pain)
    referral = context.checkin.earlier_referral if context.checkin is not None else None
    advice = Advice(
        context.athlete, context.as_of, start, weeks, _banner(context, pain, stale), pain,
        rank_factors(context.findings, context.pain_onset.day if context.pain_onset else None,
                     painful_side=context.answers.get("side"),
                     onset_how=f"onset: {context.pain_onset.how}" if context.pain_onset else "",
                     pain_onset=context.pain_onset, filmed_on=context.gait_date,
                     data_doubted=bool(profile_note)),
        [p for p in strength if p.exercise.kind == "strength"],
        [p for p in strength if p.exercise.kind == "warmup" and running.includes_running],  # warm-ups go before runs
        [p for p in strength if p.exercise.kind == "flexibility"], running, gait,
        [] if pain.stop else footwear_advice(
            context.shoes, codes, context.gait, context.answers,
            review_date=context.checkin.review_date if context.checkin else None,
            professional_booked=pain.surgeon_first or (pain.level is not None and pain.level.needs_professional),
            step_rate_change=gait.active, pain_onset=context.pain_onset.day if context.pain_onset else None,
            profile_doubted=bool(profile_note), walking_only=running.mode == WALKING_ONLY),
        professional, list(context.missing), [*context.notes, *_left_out_note(left_out)], days,
        uncertain=context.uncertain_findings, left_out=left_out, profile_note=profile_note,
        other_knee_note=context.other_knee_note, referral_note=context.referral_note,
        referral_condition=referral.condition if referral else "", knee_side=context.answers.get("side"))
    advice = apply_overrides(advice, edits)  # the clinician's edits: they hold on every regeneration
    if holds_at_week_one(pain):
        _hold_at_week_one(advice)
    return advice


def _hold_at_week_one(advice: Advice) -> None:
    """While the pain rule holds (or steps back), what follows week 1 depends on how the knee answers it: week 1
    stays set, the re-check ends it, and the later weeks are left unscheduled (`advice.recheck`)."""
    advice.recheck = recheck_day(advice.start, advice.pain.checked_on)
    kept = [s for s in advice.days if s.date <= advice.scheduled_end]
    kept.append(recheck_session(advice.recheck, advice.start, advice.weeks, walking_only=advice.running.mode == WALKING_ONLY))
    advice.days = sorted(kept, key=lambda s: (s.date, SESSION_KINDS.index(s.kind)))


def bring_text(today: bool = False) -> str:
    """What to bring to the appointment (`Recommendation.bring` of the professional's advice); `today`: a
    same-day or emergency visit (`BRING_TODAY`)."""
    return BRING_TODAY if today else "Bring: " + "; ".join(BRING) + "."


def _banner(ctx: AthleteContext, pain: PainState, stale: bool) -> Banner:
    if not ctx.checkin:
        return Banner(None, "No check-in yet: pain and warning signs are unknown. Do a check-in before "
                      "following this plan; until then nothing in it increases.",
                      ["Do a symptom check-in (`kneeguard checkin`)"], pain.reasons)
    c = ctx.checkin
    headline = HEADLINES[c.level]
    if stale:
        headline += " Your check-in is out of date: run `kneeguard checkin` again."
    condition = level_condition(c.level, bool(ctx.profile_note or ctx.other_knee_note), c.earlier_referral,
                                ctx.answers.get("side"))
    if condition:  # read 46: a self-care level rests on whose check-in and which knee it is
        headline += f" {condition}"
    reasons = [r.advice or r.summary or r.rule for r in c.reasons]
    what_to_do = list(c.what_to_do)
    if c.review_date is not None and c.review_date < ctx.as_of:
        # the check-in's "Check in again by <day>" once that day has passed read as a date still to come
        from kneeguard.clinic.triage import CHECK_IN_AGAIN

        due = f"{CHECK_IN_AGAIN} {c.review_date.isoformat()}"
        what_to_do = [f"Your re-check was due on {c.review_date:%d %b %Y}: check in now (`kneeguard checkin`)."
                      if step.startswith(due) else step for step in what_to_do]
    both = f"{both_knees_visit(ctx.answers.get('side'))}." if ctx.other_knee_note else ""
    if both:  # read 50: the visit for both knees sat mid-note, below a box that said self-care
        what_to_do.insert(1, both)
    return Banner(c.level, headline, what_to_do, [r for r in reasons if r], c.on_date, c.review_date, stale, both)


def _professional(ctx: AthleteContext, pain: PainState) -> Recommendation:
    level = pain.level
    bring = bring_text(today=level is not None and level.stops_training)
    if level is None:
        return Recommendation.with_bring("professional", "Check in first",
                                         "Without a check-in kneeguard cannot tell whether you need a professional: "
                                         "run `kneeguard checkin`.", bring, ["advice.no_checkin"],
                                         [evidence.citation("kneeguard_heuristic")])
    cites = list(evidence.rule(level.registry_key).citations)
    if level is TriageLevel.SELF_CARE and pain.surgeon_first:
        return Recommendation.with_bring("professional", "Your surgeon's team first",
                                         "After your knee operation, your surgeon's or arthroplasty team's plan decides "
                                         "when running builds up; see them before running more.", bring, pain.codes,
                                         [c for code in pain.codes if code.startswith("clinic.triage.")
                                          for c in evidence.rule(code).citations])
    if level is TriageLevel.SELF_CARE:
        review = ctx.checkin.review_date if ctx.checkin else None
        return Recommendation.with_bring("professional", "When to see a professional",
                                         "Book a physiotherapist or sports doctor if it is not improving by "
                                         f"{review or 'your review date'}, if it gets worse, or if any warning sign "
                                         "appears.", bring, [level.registry_key], cites)
    return Recommendation.with_bring("professional", PROFESSIONAL_TITLES[level], str(evidence.value(level.registry_key)),
                                     bring, pain.codes or [level.registry_key], cites)


def _with_rest_days(sessions: list[Session], start: dt.date, weeks: int, pain: PainState) -> list[Session]:
    busy = {s.date for s in sessions}
    text = ("No running or training until a professional has seen you." if pain.stop else
            "No running today. Walking and daily activity are fine.")
    cites = list(evidence.rule("advice.run.min_rest_days_per_week").citations)
    for i in range(weeks * 7):
        day = start + dt.timedelta(days=i)
        if day not in busy:
            sessions.append(Session(day, "rest", "Rest day", text, reason=["advice.run.min_rest_days_per_week"],
                                    citations=cites))
    return sorted(sessions, key=lambda s: (s.date, SESSION_KINDS.index(s.kind)))
