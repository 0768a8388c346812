"""The shape of each plan week: which days run (`RUN_OFFSETS`), the long run's share (`LONG_SHARE`), each run's
target km within the week's budget (`week_targets`), and how far the plan builds while it still hurts
(`pain_ceiling`). The running plan (`advice.running`) places and caps the runs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kneeguard import evidence
from kneeguard.advice.load_reference import LoadReference
from kneeguard.advice.pain import PainState
from kneeguard.numbers import tenth_down

# Run days by runs per week, as days after PATTERN_WEEKDAY (Tuesday: 3 runs fall on Tue, Thu, Sun); the last
# one is the long run. Chosen so that, repeated week after week, no window has more than 2 running days in a
# row and every 7 days hold at least 3 rest days. Anchored to weekdays, not to the plan's first day: the plan
# is made again every day (each check-in, tick or import), and a pattern counted from its first day moved the
# runs with it, so today's run (the plan made today) and tomorrow's (the plan starting tomorrow) fell on two
# days in a row (a runner's review). Each plan week (7 days from its first day) holds each weekday once, so
# its number of runs is the pattern's.
RUN_OFFSETS = {1: (0,), 2: (0, 3), 3: (0, 2, 5), 4: (0, 1, 3, 5)}
PATTERN_WEEKDAY = 1  # Tuesday (Monday = 0)


def pattern_day(week_start: dt.date, offset: int) -> dt.date:
    """The day of the 7 from `week_start` whose weekday is `offset` days after PATTERN_WEEKDAY."""
    weekday = (PATTERN_WEEKDAY + offset) % 7
    return week_start + dt.timedelta(days=(weekday - week_start.weekday()) % 7)
# design: share of the week's distance in the long run; from 3 runs a week below the long-run-share flag
# (`load.long_run_share`, 40 %) with room for rounding, so the plan never repeats a factor it flags (read 23)
LONG_SHARE = {1: 1.0, 2: 0.55, 3: 0.37, 4: 0.34}


@dataclass(frozen=True)
class PainCeiling:
    """How far the plan builds while a check-in reports pain (`advice.run.level_ceiling_in_pain`)."""

    weekly_km: float
    longest_km: float | None
    words: str


def pain_ceiling(reference: LoadReference, pain: PainState) -> PainCeiling | None:
    """The load the knee had before the pain, the ramp or the break, as the plan's ceiling while it still hurts;
    None once a check-in is pain-free (the weekly and spike rules alone then)."""
    weekly, longest, before = reference.level_before
    if pain.pain_free or weekly <= 0:
        return None
    factor = float(evidence.value("advice.run.level_ceiling_in_pain"))
    # the week as the level is said (19.8, not 19.7 beside it); a run as the runner runs it, rounded down
    weekly, longest = weekly * factor, tenth_down(longest * factor) if longest else None
    run = f" and no run above {longest:.1f} km" if longest else ""
    return PainCeiling(weekly, longest, f" While a check-in reports pain, no week above {weekly:.1f} km{run} "
                                        f"({before}); more only after a pain-free check-in.")


@dataclass(frozen=True)
class WeekShape:
    """What the plan's previous week was: its run slots and its longest run."""

    slots: tuple[int, ...]
    long_km: float | None
    runs_per_week: int = 0  # the week's pattern (RUN_OFFSETS); its slots index that pattern


def week_targets(slots: list[int], per_week: int, week_km: float, min_km: float, budget: float | None,
                 held: dict[int, float], previous: WeekShape = WeekShape((), None),
                 hold_long: bool = False) -> dict[int, float]:
    """Target km of each run slot of a week: its share of `week_km` (the long run, the last slot, the largest),
    never below `min_km` and, while the pain rules hold, never above the same slot in week 1 (`held`);
    `hold_long`: the long run no longer than last week's (no new longest run that week).

    When the sum would exceed `budget` (the plan's previous week plus the weekly growth; a week 1 with a rest
    day for recent running is shorter than its pattern), the week must shrink without going backwards: the
    long run stays at least at last week's long run and the easy runs are shortened; if they would fall
    below `min_km`, the week keeps last week's run count instead; only if even that does not fit does every
    run shrink by the same factor (a run below `min_km` left out)."""
    long_slot = len(RUN_OFFSETS[per_week]) - 1
    short_share = (1 - LONG_SHARE[per_week]) / max(per_week - 1, 1)
    targets = {}
    for slot in slots:
        target = max(week_km * (LONG_SHARE[per_week] if slot == long_slot else short_share), min_km)
        targets[slot] = min(target, held[slot]) if slot in held else target
    if hold_long and long_slot in targets and previous.long_km is not None:
        targets[long_slot] = min(targets[long_slot], previous.long_km)
    if budget is None or sum(targets.values()) <= budget + 1e-9:
        return targets
    kept = keep_long_run(targets, long_slot, budget, previous.long_km, min_km)
    if previous.runs_per_week in (0, per_week):
        fewer = [s for s in slots if s in previous.slots]  # the same pattern: last week's days
    else:  # a new pattern (the spaced weeks after a break are over): last week's count, the long run kept
        fewer = [s for s in slots if s != long_slot][:max(len(previous.slots) - 1, 0)] + [long_slot]
    if kept is None and previous.slots and len(fewer) < len(slots):
        targets = {s: targets[s] for s in fewer}  # last week's run count, each run longer
        kept = keep_long_run(targets, long_slot, budget, previous.long_km, min_km)
    if kept is not None:
        return kept
    total = sum(targets.values())
    targets = {slot: km * budget / total for slot, km in targets.items()}
    return {slot: km for slot, km in targets.items() if km >= min_km}


def keep_long_run(targets: dict[int, float], long_slot: int, budget: float, previous_long: float | None,
                   min_km: float) -> dict[int, float] | None:
    """`targets` within `budget` with the long run at least at `previous_long` (never above its own target)
    and the easy runs shortened alike; None when that leaves an easy run below `min_km` or no long run."""
    if long_slot not in targets or previous_long is None:
        return None
    total = sum(targets.values())
    long_km = max(targets[long_slot] * budget / total, min(previous_long, targets[long_slot]))
    easy = {s: km for s, km in targets.items() if s != long_slot}
    if long_km > budget + 1e-9:
        return None
    factor = min(1.0, (budget - long_km) / sum(easy.values())) if easy else 1.0
    if any(km * factor < min_km for km in easy.values()):
        return None
    return {**{s: km * factor for s, km in easy.items()}, long_slot: long_km}
