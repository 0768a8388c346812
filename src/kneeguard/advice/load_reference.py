"""What the plan restarts running from: the load the runner tolerated, not the load that hurt.

- `PastRun`: one run of the history, with the load analysis's spike flag and the reference it was
  measured against (what was tolerated before it).
- `estimate_pain_onset` (owned by `kneeguard.clinic.episode`, so the check-in says the same): when the
  current pain episode began, from the check-ins.
- `restart_reference`: the weekly distance, runs a week and longest run the plan starts from:
  * pain that began within `advice.run.ramp_lookback_weeks` of a ramp (the first flagged single-run
    spike, or the first week over the weekly-progression limit against the BASE_WEEKS before it) ->
    the BASE_WEEKS before that ramp;
  * pain without such a ramp -> the BASE_WEEKS before the onset;
  * no run for `advice.run.break_days` or more -> a fraction (`advice.run.break_fraction`) of the
    BASE_WEEKS before the break;
  * otherwise -> the last BASE_WEEKS (unchanged).
  The longest-run reference never counts a spike-flagged run's own distance (only the run it was
  measured against) nor a run since the ramp / pain onset.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from kneeguard import evidence
from kneeguard.clinic.episode import PainOnset, estimate_pain_onset  # re-exported: the plan's callers import them here
from kneeguard.load.spike import SPIKE_BANDS, in_reference_window

__all__ = ["LoadReference", "PainOnset", "PastRun", "estimate_pain_onset", "longest_tolerated", "restart_reference"]

BASE_WEEKS = 4  # design: the plan's weekly distance and runs per week are the average of 4 weeks


@dataclass(frozen=True)
class PastRun:
    day: dt.date
    km: float
    duration_s: float | None = None
    spike_band: str | None = None  # the load analysis's band for this run
    measured_against_km: float | None = None  # the longest run of the 30 days before it
    # False: fewer than the spike window's days of record before the run, so a spike band on it is not
    # judged (the finding is uncertain) and the plan does not act on it
    window_in_record: bool = True

    @property
    def spike(self) -> bool:
        return self.spike_band in SPIKE_BANDS and self.window_in_record

    @property
    def tolerated_km(self) -> float:
        """What this run shows was tolerated: a spike only shows its own reference was."""
        if self.spike:
            return min(self.km, self.measured_against_km or 0.0)
        return self.km


@dataclass(frozen=True)
class LoadReference:
    basis: str  # "recent" | "pre_ramp" | "before_onset" | "after_break"
    weekly_km: float
    runs_per_week: int
    longest_km: float | None  # the tolerated longest run (None: nothing to compare with)
    since: dt.date  # first day of the reference weeks
    until: dt.date  # the day after them
    cutoff: dt.date  # runs on or after this day are not references (ramp, onset or the plan start)
    explanation: str
    onset: PainOnset | None = None
    ramp_start: dt.date | None = None
    peak_week_km: float | None = None
    codes: list[str] = field(default_factory=list)
    # after a break that followed the pain: the load before the pain (weekly km, longest run), the plan's ceiling
    # while it still hurts (`advice.run.level_ceiling_in_pain`), not the pre-break load run in pain
    before_pain: tuple[float, float | None, str] | None = None  # (weekly km, longest run, their words)

    @property
    def restarting(self) -> bool:
        """The plan restarts from a tolerated level rather than continuing the recent one."""
        return self.basis != "recent"

    @property
    def level_before(self) -> tuple[float, float | None, str]:
        """The load the knee had before the pain, the ramp or the break (weekly km, longest run, whose words): the
        restart level unscaled, or after a break that followed the pain, the load before the pain."""
        if self.before_pain:
            return self.before_pain
        if self.after_break:
            scale = float(evidence.value("advice.run.break_fraction"))
            return (self.weekly_km / scale, self.longest_km / scale if self.longest_km else None,
                    "your load before your break")
        return (self.weekly_km, self.longest_km, "your recent load" if self.basis == "recent" else self.before_words)

    @property
    def before_words(self) -> str:
        """Which weeks the level before the pain is, in words: a physiotherapist read "your load before the pain"
        beside higher weekly totals just before it; those were the ramp, and the level is the weeks before it."""
        last = self.until - dt.timedelta(days=1)
        span = f"{self.since:%d %b}-{last:%d %b}"
        return (f"your load before the ramp that preceded the pain, {span}" if self.ramp_start else
                f"your load before the pain, {span}")

    @property
    def after_break(self) -> bool:
        """The plan restarts after a break from running (no run for the break's days), not after a ramp or the pain."""
        return self.basis == "after_break"

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis, "weekly_km": round(self.weekly_km, 1), "runs_per_week": self.runs_per_week,
                "longest_km": None if self.longest_km is None else round(self.longest_km, 1),
                "since": self.since.isoformat(), "until": self.until.isoformat(),
                "onset": self.onset.day.isoformat() if self.onset else None,
                "ramp_start": self.ramp_start.isoformat() if self.ramp_start else None,
                "explanation": self.explanation}


def restart_reference(history: list[PastRun], start: dt.date, onset: PainOnset | None,
                      weekly: Any = None) -> LoadReference:
    """The load the plan starts from on `start`; `weekly` is the load analysis's weekly table (optional)."""
    runs = sorted((r for r in history if r.day < start), key=lambda r: r.day)
    lookback = dt.timedelta(weeks=int(evidence.value("advice.run.ramp_lookback_weeks")))
    recent_onset = onset if onset is not None and start - lookback <= onset.day < start else None
    candidates = [c for c in (_after_pain(runs, recent_onset, start, weekly), _after_break(runs, start)) if c]
    if candidates:
        chosen = min(candidates, key=lambda c: c.weekly_km)  # both apply: the lower load wins
        pain = next((c for c in candidates if not c.after_break), None)
        if chosen.after_break and pain is not None:
            chosen = replace(chosen, before_pain=(pain.weekly_km, pain.longest_km, pain.before_words))
        return chosen
    return _with(_reference(runs, start, "recent"), None, f"your last {BASE_WEEKS * 7} days", [])


def _after_pain(runs: list[PastRun], onset: PainOnset | None, start: dt.date, weekly: Any) -> LoadReference | None:
    if onset is None:
        return None
    ramp = _ramp_start(runs, onset.day, weekly)
    if ramp is not None:
        ref = _reference(runs, ramp, "pre_ramp", onset=onset, ramp_start=ramp)
        peak = _peak_week(runs, ramp, start)
        # the same day twice ("ramp from 01 Nov, pain since 01 Nov") read as a contradiction to a physiotherapist
        ramp_words = (f"the ramp that began with your pain (both from {ramp:%d %b}" if ramp >= onset.day else
                      f"the ramp that preceded your pain (ramp from {ramp:%d %b}, pain since {onset.day:%d %b}")
        words = (f"your load in the {BASE_WEEKS} weeks before {ramp_words}: {onset.how})"
                 + (f", not the {peak:.1f} km/week peak since" if peak and peak > ref.weekly_km else ""))
        return _with(ref, peak, words, ["advice.run.restart_pre_ramp"])
    ref = _reference(runs, onset.day, "before_onset", onset=onset)
    if ref.weekly_km <= 0:
        return None
    return _with(ref, None, f"your load in the {BASE_WEEKS} weeks before your pain began ({onset.day:%d %b}: "
                 f"{onset.how}), not the runs since", ["advice.run.restart_before_onset"])


def _after_break(runs: list[PastRun], start: dt.date) -> LoadReference | None:
    if not runs:
        return None
    gap_start = runs[-1].day + dt.timedelta(days=1)
    if (start - gap_start).days < int(evidence.value("advice.run.break_days")):
        return None
    ref = _reference(runs, gap_start, "after_break")
    fraction = float(evidence.value("advice.run.break_fraction"))
    scaled = LoadReference("after_break", ref.weekly_km * fraction, ref.runs_per_week,
                           None if ref.longest_km is None else ref.longest_km * fraction,
                           ref.since, ref.until, ref.cutoff, "")
    # The break is what the imported runs show; said as an assumption, since a check-in may report runs since
    # (a physiotherapist: the restart level depends on which is true).
    return _with(scaled, None, f"{fraction:.0%} of your load in the {BASE_WEEKS} weeks before your break "
                 f"(no run imported for {(start - gap_start).days} days; if you have run since {runs[-1].day:%d %b}, "
                 "import those runs: the plan assumes you have not)", ["advice.run.break_days"])


def _reference(runs: list[PastRun], until: dt.date, basis: str, *, onset: PainOnset | None = None,
               ramp_start: dt.date | None = None) -> LoadReference:
    since = until - dt.timedelta(weeks=BASE_WEEKS)
    cutoff = min([d for d in (until, onset.day if onset else None) if d is not None])
    inside = [r for r in runs if since <= r.day < until]
    weeks = recorded_weeks(runs, since, until)
    weekly_km = sum(r.km for r in inside) / weeks
    per_week = max(1, min(int(evidence.value("advice.run.max_runs_per_week")), round(len(inside) / weeks) or 1))
    return LoadReference(basis, weekly_km, per_week, longest_tolerated(cutoff, runs, cutoff), since, until, cutoff,
                         "", onset, ramp_start)


def recorded_weeks(runs: list[PastRun], since: dt.date, until: dt.date) -> float:
    """The weeks of [since, until) the imported record covers (BASE_WEEKS when it starts before `since`; at least
    one): a record that starts inside the base weeks is averaged over the weeks it has, not over days before it
    began (physiotherapist read 23: a record starting 3 weeks back gave 2 runs a week to a runner of 3)."""
    first = min((r.day for r in runs), default=since)
    if first <= since:
        return float(BASE_WEEKS)
    return min(float(BASE_WEEKS), max(1.0, (until - first).days / 7))


def longest_tolerated(day: dt.date, runs: list[PastRun], cutoff: dt.date | None = None) -> float | None:
    """The longest tolerated run in the spike reference window before `day` (runs from `cutoff` on excluded)."""
    inside = [r.tolerated_km for r in runs if in_reference_window(r.day, day) and (cutoff is None or r.day < cutoff)]
    inside = [km for km in inside if km > 0]
    return max(inside) if inside else None


def _ramp_start(runs: list[PastRun], onset: dt.date, weekly: Any) -> dt.date | None:
    """The first flagged spike run, or the first week over the weekly-progression limit, in the
    lookback before the onset (onset day included).

    A week counts as a ramp only against the average of the BASE_WEEKS weeks before it, not against
    the single week before: calendar weeks of an every-other-day runner alternate 3 and 4 runs, and
    the week-to-week ratio itself did not predict injury (Frandsen 2025). Each of those weeks must
    have running: coming back after a week off is the break rule's case, not a ramp."""
    first = onset - dt.timedelta(weeks=int(evidence.value("advice.run.ramp_lookback_weeks")))
    candidates = [r.day for r in runs if r.spike and first <= r.day <= onset]
    limit = float(evidence.value("load.weekly_progression"))
    if weekly is not None and len(weekly) > BASE_WEEKS + 1:
        distance = weekly["distance_km"].to_numpy(dtype=float)
        for i in range(BASE_WEEKS + 1, len(distance)):  # the first week of a record is partial
            day = weekly.index[i].date() if hasattr(weekly.index[i], "date") else weekly.index[i]
            before = distance[i - BASE_WEEKS:i]
            steady = bool((before > 0).all())  # after a week off, the spike rule's break flag speaks instead
            if first <= day <= onset and steady and distance[i] > (1 + limit) * before.mean():
                candidates.append(day)
    return min(candidates) if candidates else None


def _peak_week(runs: list[PastRun], since: dt.date, until: dt.date) -> float | None:
    """The largest 7-day distance (calendar weeks from `since`) between the ramp and the plan."""
    totals = {}
    for r in runs:
        if since <= r.day < until:
            totals[(r.day - since).days // 7] = totals.get((r.day - since).days // 7, 0.0) + r.km
    return max(totals.values()) if totals else None


def _with(ref: LoadReference, peak: float | None, words: str, codes: list[str]) -> LoadReference:
    longest = f" and a {ref.longest_km:.1f} km longest run" if ref.longest_km else ""
    text = f"{ref.weekly_km:.1f} km/week{longest} — {words}"
    return LoadReference(ref.basis, ref.weekly_km, ref.runs_per_week, ref.longest_km, ref.since, ref.until,
                         ref.cutoff, text, ref.onset, ref.ramp_start, peak, codes)
