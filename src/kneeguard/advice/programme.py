"""Which exercises, in which weeks: the suspected structure first, then the measured deficits, within a budget.

- The leading possible causes of the check-in (`advice.exercise.leading_causes`) pick a programme
  for their structure: a hamstring tendinopathy gets isometric holds, then heavy slow resistance,
  and eccentric (Nordic) work only late; the calf gets progressive calf raises with the knee
  straight and bent (Alfredson heel drops only late, and only for a calf tendinopathy); the
  popliteus its own loading. A cause's programme owns its body region, so a self-test deficit
  there adds its reason, not a second programme.
- Self-test and gait deficits add the library's exercises for them (`chosen_for`); a hip or core
  deficit always gets hip abduction and trunk work.
- A possible Baker's cyst or meniscal tear removes every exercise loading the knee past
  `advice.exercise.deep_flexion_max_deg`.
- The weekly budget (`advice.exercise.max_sets_per_region_week`, `...max_minutes_per_week`) leaves
  the lowest-ranked items out of a week that would exceed it (`budget_rank`): hip/core work is always
  kept; then every exercise that addresses a deficit you MEASURED (the library's `chosen_for` matches a
  finding: calf raises for a heel-rise deficit, knee-to-wall for a stiff ankle); then the exercises chosen
  only for a suspected structure or as the general programme. A measured deficit is a fact about this
  runner, a possible cause only a hypothesis, so the suspicion gives way first. Inside each group the
  programme's order holds: causes' programmes (highest-ranked cause first), deficits, the general
  programme, stretches. A week is filled after the weeks before it, so an exercise left out of a week
  restarts at the first stage of its own progression when it returns (see `advice.exercises`).
- Pain: while the rule says hold, every exercise stays at its first stage and the programme in its
  first phase; step back goes one stage below.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from kneeguard import evidence
from kneeguard.advice.exercises import Exercise, Prescription, library, weekly_stages

# Cause ids (clinic/rules/causes.json) grouped by the structure the programme loads.
HAMSTRING_TENDON_CAUSES = ("biceps_femoris", "semimembranosus")
CALF_TENDON_CAUSES = ("gastrocnemius",)  # the calf tendinopathy / strain of causes.json
POPLITEUS_CAUSES = ("popliteus",)
DEEP_FLEXION_CAUSES = ("bakers_cyst", "meniscus")
# Finding-code prefixes meaning weak hip or core control (gait; the "weak core and hip control" factor).
HIP_CORE_CODES = ("gait.large_pelvic_drop", "gait.knee_valgus", "gait.trunk_lean")
HIP_CORE_EXERCISES = ("hip_abduction", "side_plank")
# With no cause or deficit: a modest programme for hamstrings, calves and hips/core.
DEFAULT_PROGRAMME = ("single_leg_bridge", "calf_raise_straight", "side_plank")
WARMUP = "dynamic_warmup"

# Priorities (the order of the programme, and the budget's order inside each group of `budget_rank`).
CAUSE, HIP_CORE, DEFICIT, GENERAL, STRETCH = range(5)


@dataclass(frozen=True)
class Slot:
    """One exercise of a cause's programme and the plan weeks it runs in ([from_week, until_week), 0-based)."""

    key: str
    from_week: int = 0
    until_week: int | None = None
    role: str = ""  # why it is in this programme when it does not load the structure itself

    def runs_in(self, week: int) -> bool:
        return week >= self.from_week and (self.until_week is None or week < self.until_week)


@dataclass
class Pick:
    key: str
    reason: list[str]
    why: str
    priority: int
    slot: Slot = Slot("")


def cause_programmes() -> dict[str, tuple[Slot, ...]]:
    """Programme per structure; phase weeks from the registry."""
    iso = int(evidence.value("advice.exercise.isometric_weeks"))
    late = int(evidence.value("advice.exercise.eccentric_from_week")) - 1
    hamstring = (Slot("hamstring_isometric", 0, iso), Slot("single_leg_bridge", iso),
                 Slot("hamstring_curl", iso, late), Slot("nordic_hamstring", late))
    # the bent-knee raise works the soleus, which does not cross the knee (a physiotherapist: not a treatment of
    # the gastrocnemius): general calf capacity beside the straight-knee raises
    calf = (Slot("calf_raise_straight", 0, late),
            Slot("seated_soleus_raise", role="for general calf strength beside the straight-knee raises (this "
                                              "muscle does not cross the knee)"),
            Slot("heel_drop_straight", late))
    return {**{c: hamstring for c in HAMSTRING_TENDON_CAUSES}, **{c: calf for c in CALF_TENDON_CAUSES},
            **{c: (Slot("popliteus_rotation"),) for c in POPLITEUS_CAUSES}}


def leading_causes(causes: Iterable[dict[str, Any]]) -> list[str]:
    """Ids of the highest-ranked possible causes (the check-in ranks them)."""
    return [c["id"] for c in causes][:int(evidence.value("advice.exercise.leading_causes"))]


def avoids_deep_flexion(causes: Iterable[dict[str, Any]]) -> bool:
    return any(c["id"] in DEEP_FLEXION_CAUSES for c in causes)


def has_hip_core_deficit(finding_codes: Iterable[str]) -> bool:
    return any(c.startswith(HIP_CORE_CODES) for c in finding_codes)


def addresses(exercise: Exercise, finding_codes: Iterable[str]) -> bool:
    """Whether the library chose `exercise` for one of these measured deficits."""
    return any(c.startswith(p) for c in finding_codes for p in exercise.chosen_for)


def budget_rank(p: Prescription) -> tuple[bool, bool, int]:
    """The order the weekly budget keeps items in (lowest first): hip/core work, then whatever addresses a
    measured deficit, then the rest; the programme's priority inside each (module docstring)."""
    return (p.priority != HIP_CORE, not p.for_measured_deficit, p.priority)


def choose(finding_codes: list[str], causes: list[dict[str, Any]] | tuple = (), *, weeks: int, hold: bool,
           step_back: bool = False, self_tests_measured: bool,
           left_out: list[LeftOut] | None = None, finding_titles: dict[str, str] | None = None) -> list[Prescription]:
    """The programme for `weeks` plan weeks; see the module docstring for the rules. The names of exercises the
    programme leaves out of every week (one week builds nothing) are appended to `left_out` with the reason
    (the plan says so)."""
    lib = library()
    names = {c["id"]: c["name"] for c in causes if c.get("name")}
    picks = _cause_picks(leading_causes(causes), names) + _deficit_picks(finding_codes, lib, finding_titles or {})
    owned = {lib[p.key].region for p in picks if p.priority == CAUSE}
    for p in picks:  # a deficit in a region a cause's programme owns is that programme's reason too
        if p.priority != CAUSE and lib[p.key].region in owned and lib[p.key].kind == "strength":
            for q in picks:
                if q.priority == CAUSE and lib[q.key].region == lib[p.key].region:
                    q.reason = list(dict.fromkeys([*q.reason, *p.reason]))
    picks = [p for p in picks if p.priority == CAUSE or lib[p.key].region not in owned
             or lib[p.key].kind != "strength"]
    if not any(lib[p.key].kind == "strength" for p in picks):
        why = ("maintenance: no deficit or likely structure was found, so a modest general programme keeps strength up"
               if self_tests_measured else
               "DEFAULT modest programme: no self-test results or likely structure yet, so nothing is tailored "
               "(add heel raises, bridges, knee-to-wall and AKE in `kneeguard checkin`)")
        picks += [Pick(k, [], why, GENERAL) for k in DEFAULT_PROGRAMME]
    if avoids_deep_flexion(causes):
        limit = int(evidence.value("advice.exercise.deep_flexion_max_deg"))
        picks = [p for p in picks if lib[p.key].knee_flexion_deg <= limit]
    sources = {lib[s.key].region for c in leading_causes(causes) if c in HAMSTRING_TENDON_CAUSES
               for s in cause_programmes()[c]} if evidence.value("advice.exercise.no_stretch_of_a_possible_source") else set()
    stretches = [p for p in picks if lib[p.key].kind == "flexibility" and lib[p.key].region in sources]
    if stretches and left_out is not None:  # a stretch of a possible source: the physiotherapist's call
        left_out.extend(LeftOut(lib[p.key].name, SOURCE_STRETCH) for p in _unique_picks(stretches))
    picks = [p for p in picks if p not in stretches]
    out = _prescriptions(_unique_picks(picks), lib, weeks, hold, step_back, finding_codes)
    dropped = fit_budget(out, weeks)
    if left_out is not None:
        left_out.extend(dropped)
    out = [p for p in out if p.active_weeks]
    warm = lib[WARMUP]
    out.append(Prescription(warm, weekly_stages(warm, weeks, hold, step_back), [],
                            "before every run, for comfort; evidence for warm-ups in runners is missing",
                            held=hold or step_back, stepped_back=step_back))
    return out


def _cause_picks(leading: list[str], names: dict[str, str]) -> list[Pick]:
    """`names`: each cause's name as the check-in shows it, so the reason says which structure it loads."""
    programmes = cause_programmes()
    out = []
    for cause in leading:
        name = names.get(cause)
        why = (f"in case the pain comes from {name[:1].lower()}{name[1:]} (possible, not diagnosed)" if name else
               "chosen for a possible (not diagnosed) tendon problem at this structure")
        for slot in programmes.get(cause, ()):
            out.append(Pick(slot.key, [f"clinic.cause.{cause}"], slot.role or why, CAUSE, slot))
    return out


def _deficit_picks(finding_codes: list[str], lib: dict[str, Exercise], titles: dict[str, str]) -> list[Pick]:
    """`titles`: each finding code's title, so the reason names the results that chose the exercise."""
    out = []
    hip_core = has_hip_core_deficit(finding_codes)
    for key, ex in lib.items():
        hits = [c for c in finding_codes if any(c.startswith(p) for p in ex.chosen_for)]
        if key in HIP_CORE_EXERCISES and hip_core:
            out.append(Pick(key, hits, "chosen for weak hip or core control", HIP_CORE))
        elif hits:
            priority = STRETCH if ex.kind == "flexibility" else DEFICIT
            named = list(dict.fromkeys(titles[c] for c in hits if c in titles))
            out.append(Pick(key, hits, f"for your results: {'; '.join(named)}" if named else
                            "chosen from your measured results", priority))
    return sorted(out, key=lambda p: p.priority)


def _unique_picks(picks: list[Pick]) -> list[Pick]:
    """One pick per exercise: the first (highest-priority) one, with every reason."""
    seen: dict[str, Pick] = {}
    for p in picks:
        if p.key in seen:
            seen[p.key].reason = list(dict.fromkeys([*seen[p.key].reason, *p.reason]))
        else:
            seen[p.key] = p
    return sorted(seen.values(), key=lambda p: p.priority)


def _prescriptions(picks: list[Pick], lib: dict[str, Exercise], weeks: int, hold: bool,
                   step_back: bool, finding_codes: list[str]) -> list[Prescription]:
    out: list[Prescription] = []
    frozen = hold or step_back
    chosen = {p.key for p in picks}
    for pick in picks:
        ex, why = lib[pick.key], pick.why
        if frozen and ex.hold_swap and pick.priority != CAUSE:
            # Too intense while pain says hold: the gentler exercise instead.
            if ex.hold_swap in chosen:
                continue
            why = f"{why}; {ex.name} deferred while pain rules say hold"
            ex = lib[ex.hold_swap]
        # A phased programme stays in its first phase while the pain rules do not allow progress.
        active = [pick.slot.runs_in(0 if frozen else w) for w in range(weeks)] if pick.slot.key else []
        out.append(Prescription(ex, weekly_stages(ex, weeks, hold, step_back, active), pick.reason, why,
                                held=frozen, active=active, stepped_back=step_back, priority=pick.priority,
                                for_measured_deficit=addresses(ex, finding_codes)))
    return out


def eccentric_starts(prescriptions: list[Prescription]) -> dict[int, str]:
    """Plan weeks (0-based) in which an eccentric drill starts, with its name: the running plan makes no new
    longest run in such a week, so new eccentric load and a new longest run never come together."""
    out: dict[int, list[str]] = {}
    for p in prescriptions:
        if p.exercise.eccentric and p.first_week is not None:
            out.setdefault(p.first_week, []).append(p.exercise.name)
    return {week: " and ".join(names) for week, names in out.items()}


def weekly_sets_by_region(prescriptions: list[Prescription], week: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for p in prescriptions:
        if p.weekly_sets(week):
            out[p.exercise.region] = out.get(p.exercise.region, 0) + p.weekly_sets(week)
    return out


def weekly_minutes(prescriptions: list[Prescription], week: int) -> int:
    return sum(p.weekly_minutes(week) for p in prescriptions)


@dataclass(frozen=True)
class LeftOut:
    """An exercise the programme chose but left out of every week, and why (the plan names it)."""

    name: str
    reason: str


# 'weekly budget' read as jargon to a physiotherapist (read 40): the two limits in words
WEEKLY_LIMITS = "the plan's weekly limits (strength time, and sets for one muscle group)"
NO_ROOM = f"no room within {WEEKLY_LIMITS}"
LAST_WEEK_ONLY = "would only start in the plan's last week, too late to build anything (a later plan can begin it)"
# Not "after this plan": a plan held at week 1 has no end in sight, so the runner is told who starts it.
AFTER_PLAN = "to start at a later re-check or when your physiotherapist advises"
# A plan that sends the runner to a professional: not before they have seen the knee (read 51: Nordic lowers with a
# possible hamstring tendon and 6/10 in runs could start at a re-check without one).
AFTER_VISIT = "to start only when your physiotherapist advises"
# advice.exercise.no_stretch_of_a_possible_source
SOURCE_STRETCH = ("left to your physiotherapist: the tendon it stretches may be the source of the pain, so do not "
                  "stretch the back of the thigh hard yourself until they have seen it")


def fit_budget(prescriptions: list[Prescription], weeks: int) -> list[LeftOut]:
    """Fill each week (in place), week after week: hip/core work always, then each further item in
    `budget_rank` order only if it fits the region's set budget and the minute budget beside what is already
    in. Hip/core work alone (two exercises) fits far inside both. Each item's dose in a week is the stage its
    own start gives, which depends on the weeks before: so those are settled first, and it is re-staged
    before it is weighed. Returns what ends up in one week only and is therefore left out altogether."""
    max_sets = int(evidence.value("advice.exercise.max_sets_per_region_week"))
    max_minutes = int(evidence.value("advice.exercise.max_minutes_per_week"))
    # An item its own programme starts in the plan's last week only is left out before the budget is filled, so it
    # takes no room from the others in that week (a physiotherapist saw the calf raises and the curl stop in
    # week 6 for Nordic lowers that were then left out).
    late: list[LeftOut] = []
    for p in prescriptions:
        if weeks > 1 and p.active_weeks == [weeks - 1]:
            late.append(LeftOut(p.exercise.name, LAST_WEEK_ONLY))
            p.active = [False] * weeks
            _carry_on_before(p, prescriptions, weeks)
    ordered = sorted(prescriptions, key=budget_rank)
    for week in range(weeks):
        sets: dict[str, int] = {}
        minutes = 0
        for p in ordered:
            if not p.is_active(week):
                continue
            p.restage()  # this week's stage follows the weeks it was (or was not) done in before
            region_sets = sets.get(p.exercise.region, 0) + p.weekly_sets(week)
            fits = region_sets <= max_sets and minutes + p.weekly_minutes(week) <= max_minutes
            if p.priority == HIP_CORE or fits:
                sets[p.exercise.region] = region_sets
                minutes += p.weekly_minutes(week)
            else:
                _leave_out(p, week, weeks)
    left_out: list[LeftOut] = list(late)
    for p in prescriptions:
        if any(x.name == p.exercise.name for x in late):
            p.restage()
            continue
        if not p.active_weeks:
            left_out.append(LeftOut(p.exercise.name, NO_ROOM if p.left_for_budget else AFTER_PLAN))
        elif weeks > 1 and len(p.active_weeks) == 1:
            # One week of an exercise builds nothing and adds a new load for a week: whatever left it in one
            # week only (the budget, or its own programme starting it late, e.g. Nordics in week 6 of 6), it is
            # left out altogether, with the reason.
            left_out.append(LeftOut(p.exercise.name, _one_week_reason(p, weeks)))
            p.active = [False] * weeks
        p.restage()
    return left_out


def _carry_on_before(late: Prescription, prescriptions: list[Prescription], weeks: int) -> None:
    """The exercise of the same region that stopped the week `late` was to start (its programme hands over to
    it, e.g. heavy calf raises to eccentric heel drops) carries on into that last week instead: the region is
    not left without loading in the plan's last week."""
    for p in prescriptions:
        if p is not late and p.exercise.region == late.exercise.region and p.active_weeks \
                and p.active_weeks[-1] == weeks - 2:
            active = p.active or [p.is_active(w) for w in range(weeks)]
            p.active = [*active[:weeks - 1], True]


def _one_week_reason(p: Prescription, weeks: int) -> str:
    if p.left_for_budget:
        return NO_ROOM
    if p.active_weeks == [weeks - 1]:
        return LAST_WEEK_ONLY
    return "would fit in one week only, too short to build strength"


def _leave_out(p: Prescription, week: int, weeks: int) -> None:
    if not p.active:
        p.active = [True] * weeks
    p.active[week] = False
    p.left_for_budget = True
    if WEEKLY_LIMITS not in p.why:
        p.why += f"; left out of some weeks to keep all the exercises within {WEEKLY_LIMITS}"


__all__ = ["DEFAULT_PROGRAMME", "HIP_CORE_CODES", "HIP_CORE_EXERCISES", "LeftOut", "Slot", "addresses", "avoids_deep_flexion",
           "budget_rank", "choose", "eccentric_starts",
           "cause_programmes", "fit_budget", "has_hip_core_deficit", "leading_causes", "weekly_minutes",
           "weekly_sets_by_region"]
