"""Return to running after pain or a break: walk/run phases, each at least twice, a rest day between sessions,
no progression while the pain rules say hold (`advice.rtr.*`, the graded return-to-run protocols)."""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.advice.exercises import pain_rule_text
from kneeguard.advice.load_reference import LoadReference
from kneeguard.advice.pain import PainState
from kneeguard.advice.running_plan import WALKING_ONLY, RunningPlan, rule_entry, walk_run_words
from kneeguard.advice.running_weeks import pattern_day
from kneeguard.advice.session import Session, unique_citations
from kneeguard.advice.recheck import recheck_day, recheck_words
from kneeguard.pain_rule import acceptable_max, resume_running_condition, safe_max, walks_above_safe_words

RTR_OFFSETS = (0, 2, 4)  # a rest day between return-to-run sessions, days after the pattern's weekday (Tue, Thu, Sat)
# The rest day is between the plan's brisk walks, not a ban on walking: a runner read it as "do not walk"; a
# physiotherapist (read 40) read "everyday walking is fine" beside it as leave for a brisk walk every day.
def brisk_walk_words() -> str:
    return ("Planned brisk walks: on the flat, no hills, never two days in a row. Everyday walking (getting about at "
            f"home, to work, for errands) is fine on any day while it stays at {safe_max():g}/10 or less; it is not a "
            # read 47: what to do above it was unsaid: the planned walks' own steps, in everyday terms
            f"brisk walk. If it goes above {safe_max():g}/10, cut it down (shorter trips, fewer stairs); above "
            f"{acceptable_max():g}/10, or if you limp, contact a physiotherapist or sports doctor to be seen within days.")


def return_to_run(days, pain: PainState, reason: list[str], reference: LoadReference | None = None) -> RunningPlan:
    phases = list(evidence.value("advice.rtr.phases"))
    phases[0] = walking_phase(pain)  # walking only: shorter walks while the next morning steps back
    repeats = int(evidence.value("advice.rtr.repeats"))
    per_week = int(evidence.value("advice.rtr.runs_per_week"))
    offsets = RTR_OFFSETS[:per_week]
    # Pain above the acceptable band: pain-free walking first, and no progression in this plan.
    index = 0 if pain.hold and pain.limits_running else 1
    done, used = 0, set()  # `used`: the phases the plan's sessions are in
    cites = unique_citations(evidence.rule("advice.rtr.phases").citations, evidence.rule("advice.rtr.repeats").citations)
    readiness = evidence.value("advice.rtr.readiness")
    walking_rule = (_walking_only_words(phases[1], recheck_day(days[0], pain.checked_on), pain.at_rest)
                    if index == 0 else "")
    sessions = []
    for week in range(len(days) // 7):
        for off in sorted(offsets, key=lambda o: pattern_day(days[week * 7], o)):  # in date order: phases advance
            phase = phases[index]
            used.add(index)
            minutes = phase["reps"] * (phase["walk_min"] + phase["run_min"])
            if phase["run_min"] == 0:  # walking only: its own kind, so it never reads as a walk/run step
                kind, title, what = "walk", "Brisk walk (no running)", "Brisk walk on the flat, no running."
                what += shortened_walk_words(pain)
            elif phase["walk_min"] == 0:
                kind, title, what = "walk_run", phase["name"], f"Run {phase['run_min']} min without walk breaks, flat ground."
            else:
                kind, title = "walk_run", f"Walk/run: {walk_run_words(phase)}"  # 'Walk 2 / run 3 x 4' was ambiguous (read 43)
                what = f"{walk_run_words(phase)}, flat ground."
            nxt = (walking_rule if phase["run_min"] == 0 else
                   "Stay at this phase: the plan moves on after your next check-in shows pain within the rules."
                   if pain.hold else
                   f"Do each phase at least {repeats} times; move on only if pain stayed within the rules and "
                   "there is no new swelling or stiffness.")
            details = (f"{what} RPE {phase['rpe']}/10 or less. No hills. {nxt} "
                       + (f"Before the first walk/run, check you are ready: {readiness}" if index == 0 else
                          f"Readiness for running: {readiness}" if index == 1 else ""))
            sessions.append(Session(pattern_day(days[week * 7], off), kind, title, details.strip(), duration_min=minutes,
                                    reason=reason, citations=cites, rpe_max=int(phase["rpe"]), phase=phase["name"],
                                    pain_rule=pain_rule_text()))
            done += 1
            if not pain.hold and done >= repeats and index < len(phases) - 1:
                index, done = index + 1, 0
    summary = ((f"{brisk_walk_words()} {walking_rule}") if index == 0 else
               "Return to running by walk/run phases, a day without running between sessions, no hills. "
               + ("Held at the first phase until a new check-in shows the pain rules kept." if pain.hold else
                  f"Each phase at least {repeats} times before the next."))
    summary += (f" Walk/run because the load you tolerated is below one {evidence.value('advice.run.min_run_km')} km "
                  f"run a week: {reference.explanation}." if reference and reference.restarting else "")
    rules = [rule_entry("advice.rtr.phases"), rule_entry("advice.rtr.repeats"), rule_entry("advice.rtr.runs_per_week"),
             rule_entry("advice.rtr.readiness"), rule_entry("advice.pain.acceptable_max")]
    brief = (_walking_only_brief(pain, phases[1], len(offsets))
             if index == 0 else "")
    return RunningPlan(WALKING_ONLY if index == 0 else "return_to_run", sessions, summary, rules, None, len(offsets), reason, reference=reference,
                       includes_running=any(phases[i]["run_min"] > 0 for i in used), brief=brief)


def walking_phase(pain: PainState) -> dict:
    """The walking-only phase of `advice.rtr.phases`, its minutes cut to `advice.rtr.walk_fraction_unsettled`
    while the next morning steps back: walking only has no lower level, so the walk is what comes down (a
    physiotherapist, read 40: "start with shorter walks" beside 30-minute walks gave no amount)."""
    phase = dict(evidence.value("advice.rtr.phases")[0])
    if pain.morning_steps_back:
        fraction = float(evidence.value("advice.rtr.walk_fraction_unsettled"))
        phase["walk_min"] = round(phase["walk_min"] * fraction)
    return phase


def walk_minutes(pain: PainState) -> tuple[int, int]:
    """(this plan's walk, the walking phase's usual walk), in minutes: equal unless `walking_phase` cut it."""
    usual = evidence.value("advice.rtr.phases")[0]
    walk = walking_phase(pain)
    return walk["reps"] * walk["walk_min"], usual["reps"] * usual["walk_min"]


def shortened_walk_words(pain: PainState) -> str:
    """' 15 min, not the usual 30, while your next morning is above its limit.' for a cut walk ('' otherwise)."""
    minutes, usual = walk_minutes(pain)
    return (f" {minutes:g} min, not the usual {usual:g}, while your next morning is above its limit."
            if minutes < usual else "")


def _walking_only_brief(pain: PainState, first_step: dict, per_week: int) -> str:
    """`_walking_only_words` for the clinician summary, whose triage already states the pain rule: the same
    numbers (the rule's own), in half the words, with the walks' own dose and why it was cut (read 41)."""
    walks, safe, ok = int(evidence.value("advice.rtr.repeats")), safe_max(), acceptable_max()
    minutes, usual = walk_minutes(pain)  # the walk sessions' own minutes
    cut = f" (halved from {usual:g}: morning {pain.next_morning:g}/10)" if minutes < usual else ""
    # the re-check's day is the Follow-up row's (read 41's reason for the cut made the row a line longer)
    return (f"Walking only, {minutes:g} min {per_week}x/week{cut}, flat, alternate days, until {walks} walks in a row "
            f"stay at {safe:g}/10 or less and the re-check shows pain within the rule; then walk/run step 1, "
            f"{walk_run_words(first_step)}. Walks above {safe:g}/10: shorten; still above at the re-check: see the "
            f"professional (above {ok:g}/10: stop them, be seen sooner).")


def _walking_only_words(first_step: dict, recheck_on, at_rest: float | None = None) -> str:
    """The walking-only hold in one place: walking until the resume rule is met, then walk/run step 1; and
    what happens if the walks do not settle (`pain_rule.walks_above_safe_words`). `at_rest`: the check-in's
    pain at rest, said beside the walks' limit when it already reaches it (`rest_floor_words`)."""
    recheck = recheck_words(recheck_on)
    return (f"Walking only until {resume_running_condition()} (that check-in: {recheck}); then walk/run step 1, "
            f"{walk_run_words(first_step)} on the flat. {walks_above_safe_words('the re-check')}."
            + rest_floor_words(at_rest))


def rest_floor_words(at_rest: float | None) -> str:
    """' Your pain at rest is already 2/10: a walk should not raise it at all.' when the pain at rest already
    reaches the walks' limit (a physiotherapist: 'stay at 2/10 or less' then means no rise at all, say so); above
    it, the walks cannot show the pain within it until the rest pain comes down. '' otherwise. No new number."""
    safe = safe_max()
    if at_rest is None or at_rest < safe:
        return ""
    if at_rest == safe:
        return f" Your pain at rest is already {at_rest:g}/10: a walk should not raise it at all."
    return (f" Your pain at rest ({at_rest:g}/10) is already above the walks' {safe:g}/10: keep the walks short and "
            "easy; if it has not come down by the re-check, see a professional then.")
