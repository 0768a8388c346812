"""The running part of the plan, day by day from the current state.

The modes:
- "stop": triage emergency/urgent: no running at all (the engine adds the professional visit).
- "return_to_run": pain limits running, or no run in the spike reference window (30 days) before the start:
  walk/run phases (`advice.return_to_run`); "walk" while the pain rule allows walking only (its first phase).
- "build" (or "hold" when pain rules say hold): easy runs sized from your history, where every run is
  at most (1 + spike cap) x the longest run of the previous 30 days *including runs planned earlier*.

"The previous 30 days" is the load analysis's own window (`kneeguard.load.spike.reference_window`):
[day - 30, day), so a run exactly 30 days back is the reference here as it is there.
"""
from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from kneeguard import evidence
from kneeguard.numbers import tenth_down
from kneeguard.pain_rule import acceptable_max, safe_max
from kneeguard.advice.exercises import pain_rule_text
from kneeguard.advice.load_reference import LoadReference, PainOnset, PastRun, restart_reference
from kneeguard.advice.pain import PainState
from kneeguard.advice.return_to_run import return_to_run
from kneeguard.advice.running_plan import RunningPlan, rule_entry
from kneeguard.advice.running_weeks import RUN_OFFSETS, WeekShape, pain_ceiling, pattern_day, week_targets
from kneeguard.advice.session import Session, unique_citations
from kneeguard.load.spike import reference_window, window_days

PLAUSIBLE_PACE_MIN_PER_KM = (3.0, 15.0)  # paces outside are GPS glitches or walks logged as runs


@dataclass(frozen=True)
class RefRun:
    """A run that can be the spike reference of a planned run, and what it is (the run note names it)."""

    day: dt.date
    km: float
    kind: str  # "done" (in your history) | "planned" (the plan's own) | "anchor" (the tolerated restart level)


def spike_cap() -> float:
    return 1.0 + float(evidence.value("load.spike.small"))


def longest_before(day: dt.date, runs: list[tuple[dt.date, float]]) -> float | None:
    """Longest run in the spike reference window before `day`: [day - 30 d, day), `day` itself not counted."""
    ref = longest_ref(day, [RefRun(d, km, "done") for d, km in runs])
    return ref.km if ref else None


def longest_ref(day: dt.date, runs: list[RefRun]) -> RefRun | None:
    """The longest of `runs` in the spike reference window before `day`, [day - 30 d, day), itself."""
    lo, hi = reference_window(day)  # once per call: years of history make this the plan's inner loop
    inside = [r for r in runs if lo <= r.day < hi and r.km]
    return max(inside, key=lambda r: r.km) if inside else None


PROFILE_CONFLICT = "advice.run.profile_conflict"  # the check-in disagrees with the profile: runs not used


def plan_running(past: list[PastRun], as_of: dt.date, start: dt.date, weeks: int, pain: PainState,
                 reason: list[str] | None = None, *, onset: PainOnset | None = None, weekly: Any = None,
                 no_new_longest: dict[int, str] | None = None, max_weekly_km: float | None = None,
                 runs_trusted: bool = True) -> RunningPlan:
    """Running sessions for `weeks` weeks from `start`. `past`: the runs up to `as_of`; `onset`: when the
    current pain began; `weekly`: the load analysis's weekly table (finds weekly ramps); `no_new_longest`:
    plan weeks (0-based) whose long run stays at the week before's, with why (an eccentric drill starts);
    `max_weekly_km`: a clinician's ceiling, planned within (not cut afterwards: the words and the run notes
    then named the runs before the cut, a coach). `runs_trusted`: False when the check-in disagrees with the profile
    (`advice.run.profile_conflict`): the runs may be another person's, so nothing is sized from them and the
    return is by the walk/run phases, which do not depend on them."""
    reason = list(reason or [])
    days = [start + dt.timedelta(days=i) for i in range(weeks * 7)]
    history = [r for r in past if r.day <= as_of and r.day < start]
    if pain.stop:
        return RunningPlan("stop", [], "No running: your check-in needs a professional first.",
                           [rule_entry(pain.level.registry_key)], None, 0, reason + pain.codes, includes_running=False)
    if not runs_trusted:
        plan = return_to_run(days, pain, reason + [PROFILE_CONFLICT])
        plan.summary += f" {evidence.rule(PROFILE_CONFLICT).summary}"
        return plan
    lo, hi = reference_window(start)  # the window once, not once per run of years of history
    recent = [r for r in history if lo <= r.day < hi]
    reference = restart_reference(history, start, onset, weekly)
    # restarting from less than one shortest run a week: nothing to run from, so walk/run
    too_little = reference.restarting and reference.weekly_km * restart_factor(pain, reference) < float(
        evidence.value("advice.run.min_run_km"))
    if not recent or pain.limits_running or too_little:
        why = pain.codes if pain.limits_running else ["advice.no_recent_runs"] if not recent else reference.codes
        too_little_only = recent and too_little and not pain.limits_running
        return return_to_run(days, pain, reason + why, reference if too_little_only else None)
    return _build(days, history, start, pain, reason, reference, no_new_longest or {}, max_weekly_km)


def _build(days, history: list[PastRun], start, pain: PainState, reason: list[str],
           reference: LoadReference, no_new_longest: dict[int, str], max_weekly_km: float | None) -> RunningPlan:
    stepped = restart_factor(pain, reference)
    base_week_km = reference.weekly_km * stepped
    per_week = reference.runs_per_week
    anchor = reference.longest_km * stepped if reference.longest_km else None
    min_km = float(evidence.value("advice.run.min_run_km"))
    if reference.restarting:  # no run below the minimum: fewer runs a week rather than tiny ones
        per_week = max(1, min(per_week, int(base_week_km // min_km)))
    if base_week_km <= 0:  # only runs older than the base weeks but inside the spike window: the longest as one run
        base_week_km = anchor or 0.0
    growth = 0.0 if (pain.hold or pain.step_back) else float(evidence.value("advice.run.weekly_growth"))
    ceiling = pain_ceiling(reference, pain)
    pace = _pace(history, start)
    easy, steady = int(evidence.value("advice.run.easy_rpe")), int(evidence.value("advice.run.steady_rpe"))
    # After a break, the first weeks keep a rest day between runs (the return-to-run protocols' spacing): fewer runs
    # a week, on the pattern with no two run days in a row; while the pain rules hold, that pattern is kept.
    spaced = min(per_week, int(evidence.value("advice.rtr.runs_per_week")))
    spaced_weeks = int(evidence.value("advice.run.after_break_spaced_weeks")) if (
        reference.after_break and spaced < per_week) else 0
    # Two references, the lower cap wins: the tolerated runs (no spike, nothing since the ramp or the
    # pain began) and, as the spike rule literally reads, every run actually done (so a restart is
    # never itself a spike over what was run lately). Both include the plan's own earlier runs.
    # When restarting, the tolerated longest run is not a run on any day of the window: it sizes the
    # restart week only (`restart_week`); from week 2 each run is measured against runs on real dates,
    # the plan's own included, so no planned run is more than the cap over the plan's previous run.
    # Only runs inside the spike window of the plan's first day can be the reference of a planned run
    # (every planned run is on or after `start`), so older history is left out of the loop below.
    reachable = [r for r in history if r.day >= reference_window(start)[0]]
    tolerated = [RefRun(r.day, r.tolerated_km, "done") for r in reachable if r.day < reference.cutoff]
    restart_week = [RefRun(start - dt.timedelta(days=1), anchor, "anchor")] if reference.restarting and anchor else []
    exposure = [RefRun(r.day, r.km, "done") for r in reachable]
    planned: list[RefRun] = []
    sessions: list[Session] = []
    first_week: dict[int, float] = {}
    skipped: set[int] = set()  # slots of the first week left out (a rest day after recent running)
    streak = _streak_before(start, [(r.day, r.km) for r in history])
    cites = unique_citations(evidence.rule("load.spike.small").citations,
                             evidence.rule("advice.run.easy_rpe").citations,
                             evidence.rule("advice.run.weekly_growth").citations,
                             *(evidence.rule(c).citations for c in reference.codes))
    streak_rest = streak >= int(evidence.value("advice.run.max_consecutive_days"))
    frozen = pain.hold or pain.step_back
    previous_week_km = None  # the plan's own total of the week before: weekly growth is measured from it
    previous = WeekShape((), None)
    totals: list[float] = []  # each plan week's planned km
    long_days: set[dt.date] = set()  # the weeks' long runs (strength keeps off their eves)
    week_2_cap: float | None = None
    for week in range(len(days) // 7):
        week_runs = spaced if spaced_weeks and (week < spaced_weeks or frozen) else per_week
        offsets = RUN_OFFSETS[week_runs]
        slot_days = {slot: pattern_day(days[week * 7], offset) for slot, offset in enumerate(offsets)}
        if week == 0 and streak_rest:  # you already ran the days before: start with a rest day
            skipped.update(slot for slot, day in slot_days.items() if day == start)
        slots = [slot for slot in range(len(offsets)) if not (slot in skipped and (week == 0 or frozen))]
        budget = previous_week_km * (1 + growth) if previous_week_km else None
        week_km = base_week_km * (1 + growth) ** week
        for limit in (ceiling.weekly_km if ceiling else None, max_weekly_km):
            if limit is not None:  # while it hurts, no further than the load before the pain; the clinician's
                week_km = min(week_km, limit)
                budget = limit if budget is None else min(budget, limit)
        hold_long = week in no_new_longest and previous.long_km is not None
        targets = week_targets(slots, week_runs, week_km, min_km, budget, first_week if frozen else {}, previous,
                               hold_long)
        for slot, target in sorted(targets.items(), key=lambda item: slot_days[item[0]]):  # in date order
            day = slot_days[slot]
            is_long = slot == len(offsets) - 1
            restart = restart_week if week == 0 else []  # the tolerated level stands for no run actually done
            # After a restart the plan grows from its own runs of the weeks before: neither a run before the break
            # (15.3 km let week 2's long run jump 27 %, read 21) nor an easy run earlier in the same week (Tue 7.1 km
            # let Sunday's be 7.8 km beside "week 2: up to 7.5 km", read 24) is its reference.
            grown = longest_ref(day, [r for r in planned if (r.day - days[0]).days // 7 < week]) if (
                reference.restarting and week > 0) else None
            ref = min(filter(None, (longest_ref(day, tolerated + restart + planned),
                                    longest_ref(day, exposure + planned), grown)), key=lambda r: r.km, default=None)
            cap = spike_cap() * ref.km if ref else target
            if ceiling and ceiling.longest_km:
                cap = min(cap, ceiling.longest_km)
            at_restart_level = bool(reference.restarting and week == 0 and anchor and ref and anchor < cap)
            if at_restart_level:
                cap = anchor  # restart AT the tolerated level; progression starts in week 2
            cap = tenth_down(cap)  # the cap the note shows is the one that holds (10.45 must not read 10.5)
            if week == 1:  # the summary's "week 2: up to" is this cap (one computation)
                week_2_cap = cap if week_2_cap is None else max(week_2_cap, cap)
            km = tenth_down(min(target, cap))
            if km <= 0:
                continue
            first_week.setdefault(slot, km)
            # "long" only when it is longer than the week's other runs (read 25: three runs of 6.9 km, one "long")
            is_long = is_long and week_runs > 1 and km > max(
                (r.km for r in planned if (r.day - days[0]).days // 7 == week), default=0.0)
            planned.append(RefRun(day, km, "planned"))
            if is_long:
                long_days.add(day)
            quality = (slot == 0 and week_runs >= 3 and pain.pain_free and not pain.hold and not reference.restarting)
            rpe = steady if quality else easy
            label = "Long easy run" if is_long else ("Steady run" if quality else "Easy run")
            held_long = (f" No new longest run this week: {no_new_longest[week]} start this week, so the long run "
                         "stays at last week's." if hold_long and is_long else "")
            restart_cap = _anchor_words(reference, stepped) if at_restart_level else ""
            sessions.append(Session(
                day, "run", f"{label} {km:.1f} km", _run_details(ref, cap, rpe, quality, restart_cap,
                                                               own_runs=ref is not None and ref is grown) + held_long,
                duration_min=round(km * pace), distance_km=km,
                reason=reason + reference.codes + ["advice.run.rolling_spike_cap"],
                citations=cites, rpe_max=rpe, pain_rule=pain_rule_text()))
        this_week = [r for r in planned if (r.day - days[0]).days // 7 == week]
        previous_week_km = sum(r.km for r in this_week)
        totals.append(previous_week_km)
        previous = WeekShape(tuple(targets), max((r.km for r in this_week), default=None), week_runs)
    mode = "hold" if (pain.hold or pain.step_back) else "build"
    if mode == "hold":
        per_week = (spaced if spaced_weeks else per_week) - len(skipped)  # the first week's pattern is kept
    first = [r.km for r in planned if (r.day - days[0]).days < 7]
    summary = (_first_week_words(first, streak if streak_rest else 0) + " " + _reference_words(reference, stepped, pain)
               + " " + ("One step back and held there while the pain rules say so." if pain.step_back else
                        "Distances held, not increased, while the pain rules say hold." if pain.hold else
                        _runs_a_week_words(per_week, spaced, spaced_weeks) + "; each week's "
                        f"distance is at most {growth:.0%} above the plan's week before"
                        + _level_reached(totals, reference.weekly_km * step_back_factor(pain) if reference.restarting
                                                         else None)
                        + ".")
               + _cap_words(reference, None if frozen else week_2_cap)
               + (ceiling.words if ceiling and not frozen else ""))
    rules = [rule_entry("load.spike.small"), rule_entry("load.spike.window_days"), rule_entry("advice.run.weekly_growth"),
             rule_entry("advice.run.min_rest_days_per_week"), rule_entry("advice.run.max_consecutive_days"),
             rule_entry("advice.run.easy_rpe"), *(rule_entry(c) for c in reference.codes)]
    if spaced_weeks:
        rules.append(rule_entry("advice.run.after_break_spaced_weeks"))
    if ceiling:
        rules.append(rule_entry("advice.run.level_ceiling_in_pain"))
    return RunningPlan(mode, sessions, summary, rules, anchor, per_week, reason + reference.codes,
                       reference=reference, long_run_days=frozenset(long_days))


def _cap_words(reference: LoadReference, week_2_cap: float | None) -> str:
    """The per-run cap as it holds: after a restart, from week 2 against the plan's own runs only (read 21: the
    30-day sentence let a runner read 16.8 km from a run just before the break), with week 2's own cap as the runs
    were capped (None for a held plan: no week-2 number beside "Distances held, not increased")."""
    if not reference.restarting:
        return (f" Each run at most {spike_cap() - 1:.0%} above the longest run of the previous {window_days()} days "
                "(the plan's own runs count; spikes" + (" and runs since the pain began do not)." if reference.onset
                                                        else " do not)."))
    week_2 = f" (week 2: up to {week_2_cap:.1f} km)" if week_2_cap else ""
    return (f" From week 2, each run at most {spike_cap() - 1:.0%} above the plan's longest run of the weeks before"
            f"{week_2}; your runs before the plan do not count.")


def _runs_a_week_words(per_week: int, spaced: int, spaced_weeks: int) -> str:
    """How many runs a week from week 2: after a break, the spaced weeks' count first."""
    def runs(n: int) -> str:
        return f"up to {n} easy run{'s' if n != 1 else ''} a week"
    if not spaced_weeks:
        return f"From week 2, {runs(per_week)}"
    later = f"from week {spaced_weeks + 1}, {runs(per_week)}"
    if spaced_weeks == 1:
        return f"Week 1: a day without running between runs, as after a break; {later}"
    return (f"Weeks 1-{spaced_weeks}: {runs(spaced)} with a day without running between runs, as the return-to-run protocols do "
            f"after a break; {later}")


def _first_week_words(first_runs: list[float], streak_days: int) -> str:
    """What week 1 really is, and why it is shorter when its first day has no run."""
    if not first_runs:
        return "Week 1: no run."
    n = len(first_runs)
    # "No run", not "a rest day": the first day may well hold a strength session.
    rest = f" (no run on the first day: you have run on each of the last {streak_days} days)" if streak_days else ""
    longest = f", the longest {max(first_runs):.1f} km" if n > 1 else ""
    return f"Week 1: {sum(first_runs):.1f} km in {n} easy run{'s' if n != 1 else ''}{longest}{rest}."


def _level_reached(totals: list[float], level: float | None) -> str:
    """When the plan is back at the restart level (the load tolerated before the pain), if week 1 is below it,
    and, where later weeks go beyond that level, how far and on what condition: the sentence stays true."""
    if level is None or not totals:
        return ""
    shown = round(level, 1)  # the level as the sentence prints it: a week totalling that is back at it
    # "about": each run is rounded down to 0.1 km, so a week held at the level (the pain ceiling) can total up to
    # 0.1 km a run less; read 23 saw "still below 19.8 km/week at the end (19.6 km)" for a plan held at it
    about = round(shown - 0.1 * int(evidence.value("advice.run.max_runs_per_week")), 1)
    if round(totals[0], 1) >= about:
        return ""
    week = next((w for w, km in enumerate(totals) if round(km, 1) >= about), None)
    if week is None:
        return f", still below {level:.1f} km/week at the end of this plan ({totals[-1]:.1f} km)"
    back = f", back to about {level:.1f} km/week by week {week + 1}"
    peak = max(range(week, len(totals)), key=lambda w: totals[w])
    if round(totals[peak], 1) <= shown:
        return back
    if peak == week:  # the week that gets back to the level already goes past it
        return f"{back}, and beyond it that week ({totals[peak]:.1f} km) only while the pain rule is kept"
    return f"{back}; beyond it (to {totals[peak]:.1f} km in week {peak + 1}) only while the pain rule is kept"


def step_back_factor(pain: PainState) -> float:
    """One step back = one week's growth undone (the progression's own step)."""
    return 1.0 / (1.0 + float(evidence.value("advice.run.weekly_growth"))) if pain.step_back else 1.0


def restart_factor(pain: PainState, reference: LoadReference) -> float:
    """What the plan starts from, as a share of the reference load: one step back when the pain rules say so,
    and also when restarting after pain that still goes above the safe band during runs (the pain-monitoring
    model's 0-2/10): running on at the full pre-pain level while it hurts more than that is where two
    physiotherapists' reads of the plan would not start (they would start the long run lower)."""
    if pain.step_back:
        return step_back_factor(pain)
    if reference.restarting and pain.during_run is not None and pain.during_run > safe_max():
        return 1.0 / (1.0 + float(evidence.value("advice.run.weekly_growth")))
    return 1.0


def _reference_words(reference: LoadReference, stepped: float, pain: PainState) -> str:
    if not reference.restarting:
        return f"Sized from {reference.explanation}."
    # No share of the level in words: week 1's own km (said before this) are the step's, rounded down to whole
    # runs, and a second, larger percentage beside them read as a wrong number (a physiotherapist: "91 %" of
    # 24.5 km beside a week of 21.3 km); nor "one step below" when runs capped at the restart week's longest make
    # week 1 lower still (read 21: 20.1 of 24.5 km is about two steps).
    back = ("" if stepped >= 1 else " (one step back from it)" if pain.step_back else
            f" (the plan starts below that level while runs still hurt more than {safe_max():g}/10)")
    verb = "Restart level" if reference.basis == "after_break" else "Level to build back to"
    return f"{verb}: {reference.explanation}{back}."


def _streak_before(start: dt.date, history: list[tuple[dt.date, float]]) -> int:
    run_days = {d for d, _ in history}
    n = 0
    while start - dt.timedelta(days=n + 1) in run_days:
        n += 1
    return n


def _pace(past: list[PastRun], start: dt.date) -> float:
    """Median min/km of the runs in the spike reference window before `start`, or the registry default."""
    fastest, slowest = PLAUSIBLE_PACE_MIN_PER_KM
    lo, hi = reference_window(start)
    paces = [r.duration_s / 60 / r.km for r in past if r.duration_s and r.km and lo <= r.day < hi]
    paces = [p for p in paces if fastest <= p <= slowest]
    return statistics.median(paces) if paces else float(evidence.value("advice.run.default_pace_min_per_km"))


def _anchor_words(reference: LoadReference, stepped: float) -> str:
    """What the restart week's cap is, in words: a run the runner did only when the level is one they ran, before
    the ramp or the pain, at full size (read 21: after a break, 6.9 km was called 'your longest run before the load
    that preceded the pain', a run that never was)."""
    if stepped == 1.0 and reference.basis == "pre_ramp":
        return "your longest run before the load that preceded the pain"
    if stepped == 1.0 and reference.basis == "before_onset":
        return "your longest run in the weeks before the pain"
    return "the restart week's longest run, as the running summary explains"


def _run_details(ref: RefRun | None, cap_km: float, rpe: int, quality: bool, restart_cap: str = "",
                 own_runs: bool = False) -> str:
    """The run's note: its cap and the very run the cap was computed from (`restart_cap`: the restart week's cap in
    words, when that cap holds; `own_runs`: after a restart, measured against the plan's own runs only)."""
    if ref is None:
        cap = "Run the planned distance, no further."
    elif restart_cap:
        cap = f"Run the planned distance, no further (never beyond {cap_km:.1f} km, {restart_cap})."
    else:
        which = (f"your planned {ref.km:.1f} km run of {ref.day:%a %d %b}" if ref.kind == "planned" else
                 f"your {ref.km:.1f} km run of {ref.day:%a %d %b}")
        over = ("the plan's longest run of the weeks before" if own_runs else
                f"the longest run of the previous {window_days()} days, not counting spikes")
        cap = f"Run the planned distance, no further (never beyond {cap_km:.1f} km: at most {spike_cap() - 1:.0%} over {over}: {which})."
    effort = ("Steady effort, still controlled" if quality else "Easy: you can talk in full sentences")
    return (f"{effort}, RPE {rpe}/10 or less. {cap} Stop and walk home if the pain goes above "
            f"{acceptable_max():g}/10 or you start to limp.")
