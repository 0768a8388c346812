"""Return to running after pain or a break: walk/run phases, each at least twice, a rest day between sessions,
no progression while the pain rules say hold (`advice.rtr.*`, the graded return-to-run protocols)."""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.advice.exercises import pain_rule_text
from kneeguard.advice.load_reference import LoadReference
from kneeguard.advice.pain import PainState
from kneeguard.advice.running_plan import RunningPlan, rule_entry, walk_run_words
from kneeguard.advice.session import Session, unique_citations
from kneeguard.pain_rule import resume_running_words

RTR_OFFSETS = (0, 2, 4)  # a rest day between return-to-run sessions


def return_to_run(days, pain: PainState, reason: list[str], reference: LoadReference | None = None) -> RunningPlan:
    phases = evidence.value("advice.rtr.phases")
    repeats = int(evidence.value("advice.rtr.repeats"))
    per_week = int(evidence.value("advice.rtr.runs_per_week"))
    offsets = RTR_OFFSETS[:per_week]
    # Pain above the acceptable band: pain-free walking first, and no progression in this plan.
    index = 0 if pain.hold and pain.limits_running else 1
    done, used = 0, set()  # `used`: the phases the plan's sessions are in
    cites = unique_citations(evidence.rule("advice.rtr.phases").citations, evidence.rule("advice.rtr.repeats").citations)
    readiness = evidence.value("advice.rtr.readiness")
    sessions = []
    for week in range(len(days) // 7):
        for off in offsets:
            phase = phases[index]
            used.add(index)
            minutes = phase["reps"] * (phase["walk_min"] + phase["run_min"])
            if phase["run_min"] == 0:
                title, what = f"{phase['name']} {minutes} min", "Brisk walk on the flat."
            elif phase["walk_min"] == 0:
                title, what = phase["name"], f"Run {phase['run_min']} min without walk breaks, flat ground."
            else:
                title = f"Walk/run: {phase['name']} x {phase['reps']}"
                what = f"{walk_run_words(phase)}, flat ground."
            nxt = (f"Walking only for now: {resume_running_words()}." if pain.hold and phase["run_min"] == 0 else
                   "Stay at this phase: the plan moves on after your next check-in shows pain within the rules."
                   if pain.hold else
                   f"Do each phase at least {repeats} times; move on only if pain stayed within the rules and "
                   "there is no new swelling or stiffness.")
            details = (f"{what} RPE {phase['rpe']}/10 or less. No hills. {nxt} "
                       + (f"Before the first walk/run, check you are ready: {readiness}" if index == 0 else
                          f"Readiness for running: {readiness}" if index == 1 else ""))
            sessions.append(Session(days[week * 7 + off], "walk_run", title, details.strip(), duration_min=minutes,
                                    reason=reason, citations=cites, rpe_max=int(phase["rpe"]), phase=phase["name"],
                                    pain_rule=pain_rule_text()))
            done += 1
            if not pain.hold and done >= repeats and index < len(phases) - 1:
                index, done = index + 1, 0
    summary = ("Return to running by walk/run phases, a rest day between sessions, no hills. "
               + (f"Walking only for now: {resume_running_words()}." if pain.hold and pain.limits_running else
                  "Held at the first phase until a new check-in shows the pain rules kept." if pain.hold else
                  f"Each phase at least {repeats} times before the next.")
               + (f" Walk/run because the load you tolerated is below one {evidence.value('advice.run.min_run_km')} km "
                  f"run a week: {reference.explanation}." if reference and reference.restarting else ""))
    rules = [rule_entry("advice.rtr.phases"), rule_entry("advice.rtr.repeats"), rule_entry("advice.rtr.runs_per_week"),
             rule_entry("advice.rtr.readiness"), rule_entry("advice.pain.acceptable_max")]
    return RunningPlan("return_to_run", sessions, summary, rules, None, len(offsets), reason, reference=reference,
                       includes_running=any(phases[i]["run_min"] > 0 for i in used))
