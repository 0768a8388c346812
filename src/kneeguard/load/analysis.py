"""`analyze_load`: the whole training-load pipeline in one call, returning a LoadReport.

Steps (each a public function of its own module, callable alone):
    prepare_activities -> activity_loads (TRIMP / sRPE) -> spike_table (runs)
    -> daily_table -> weekly_table, four_weekly_table -> performance_chart (PMC)
    -> ewma_acwr -> monotony_series -> zone_distribution -> findings.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.errors import InvalidInput
from kneeguard.findings import Finding, sort_findings
from kneeguard.load import findings as load_findings
from kneeguard.load.activities import (
    day_number,
    day_to_date,
    earliest_set_clock_date,
    hr_histogram_matrix,
    prepare_activities,
)
from kneeguard.load.acwr import ewma_acwr
from kneeguard.load.heart_rate import HeartRateSettings, resolve_heart_rate
from kneeguard.load.monotony_strain import WINDOW_DAYS as MONOTONY_DAYS
from kneeguard.load.monotony_strain import monotony_series
from kneeguard.load.pmc import performance_chart
from kneeguard.jsonable import frame_records, plain
from kneeguard.load.shoes import shoe_findings
from kneeguard.load.spike import reference_window, spike_columns
from kneeguard.load.trimp import activity_loads, load_source_warnings
from kneeguard.load.volume import daily_table, four_weekly_table, rest_days, run_streaks, weekly_table
from kneeguard.load.zones import WINDOW_DAYS as ZONE_DAYS
from kneeguard.load.zones import zone_distribution
from kneeguard.profile import AthleteProfile, ShoeStatus

RUN_COLUMNS = (
    "id", "start", "date", "sport", "sub_sport", "distance_m", "duration_s", "load", "load_source", "trimp",
    "edwards_trimp", "avg_hr", "rpe", "shoe_id", "ref_longest_m", "spike_ratio", "spike_band",
    "days_since_prev_run", "first_in_record", "record_days_before", "window_in_record",
)


@dataclass
class LoadReport:
    """Everything the load analysis found for one athlete on one day."""

    as_of: dt.date
    runs: pd.DataFrame
    daily: pd.DataFrame
    weekly: pd.DataFrame
    four_weekly: pd.DataFrame
    pmc: pd.DataFrame
    acwr: pd.DataFrame
    monotony: float
    strain: float
    monotony_daily: pd.DataFrame
    zones: pd.Series
    summary: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        """JSON-friendly dict; `series=False` leaves out the per-day and per-run tables."""
        out: dict[str, Any] = {
            "as_of": self.as_of.isoformat(),
            "summary": plain(self.summary),
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
            "monotony": plain(self.monotony),
            "strain": plain(self.strain),
            "zones": plain(self.zones.to_dict()),
        }
        if series:
            for name in ("runs", "daily", "weekly", "four_weekly", "pmc", "acwr", "monotony_daily"):
                out[name] = frame_records(getattr(self, name))
        return out


def analyze_load(
    activities: pd.DataFrame | None,
    profile: AthleteProfile | None,
    as_of: dt.date | str,
    shoes: Iterable[ShoeStatus] = (),
    *,
    tz: str = "UTC",
) -> LoadReport:
    """Run the whole load analysis for activities up to and including `as_of`.

    `tz` decides which local calendar day an activity falls on (daily and weekly
    totals, rest days); the spike rule uses exact start times.
    """
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    elif isinstance(as_of, str):  # a library caller's '2017-06-30' (a bare TypeError deep inside otherwise)
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput(f"as_of must be a date or 'YYYY-MM-DD', got {as_of!r}") from None
    if not isinstance(as_of, dt.date):
        raise InvalidInput(f"as_of must be a date or 'YYYY-MM-DD', got {type(as_of).__name__}")
    settings = resolve_heart_rate(profile)
    warnings = list(settings.warnings)
    prepared = prepare_activities(activities, as_of, tz)
    hr_matrix = hr_histogram_matrix(prepared["hr_seconds_by_bpm"].to_numpy())
    loads = activity_loads(prepared, hr_matrix, settings)
    warnings += load_source_warnings(loads["load_source"])
    warnings += _data_warnings(prepared, loads, settings)

    is_run = prepared["is_run"].to_numpy(dtype=bool)
    start_row = record_start_row(prepared)  # where the record begins: the spike windows' and the findings' one start
    runs = build_runs(prepared, loads, is_run, start_row)
    record_start = day_to_date(prepared["day"].iloc[start_row]) if len(prepared) else None
    estimated = loads["load_source"].to_numpy() == "duration_estimate"
    daily = daily_table(prepared, loads["load"].to_numpy(), as_of, estimated=estimated)
    weekly = weekly_table(daily, runs)
    four_weekly = four_weekly_table(daily, runs)
    pmc = performance_chart(daily["load"])
    acwr = ewma_acwr(daily["load"])
    mono = monotony_series(daily["load"])
    monotony = float(mono["monotony"].iloc[-1]) if len(mono) else float("nan")
    strain = float(mono["strain"].iloc[-1]) if len(mono) else float("nan")
    recent_runs = is_run & (prepared["day"].to_numpy() > day_number(as_of) - ZONE_DAYS)
    zones = zone_distribution(hr_matrix[recent_runs], settings.hr_max)
    settle_days = int(evidence.value("load.pmc.ctl_days"))
    if 0 < len(daily) < settle_days:
        warnings.append(f"only {len(daily)} days of history: fitness needs about {settle_days} days to settle")

    found = _findings(runs, daily, weekly, acwr, monotony, strain, as_of, record_start, shoes)
    summary = headline_numbers(as_of, runs, daily, weekly, pmc, acwr, monotony, strain, zones, loads, settings)
    return LoadReport(
        as_of, runs, daily, weekly, four_weekly, pmc, acwr, monotony, strain, mono, zones, summary,
        sort_findings(found), warnings,
    )


def build_runs(prepared: pd.DataFrame, loads: pd.DataFrame, is_run: np.ndarray,
               start_row: int | None = None) -> pd.DataFrame:
    """Running sessions, sorted by start, with their load and spike columns (`start_row`: the record's first
    row, `record_start_row`, when the caller has it)."""
    columns = {name: prepared[name].array[is_run] for name in RUN_COLUMNS if name in prepared.columns}
    columns.update({name: loads[name].to_numpy()[is_run] for name in loads.columns})
    columns["date"] = prepared["day"].to_numpy()[is_run].astype("datetime64[D]").astype("datetime64[ns]")
    if start_row is None:
        start_row = record_start_row(prepared)
    record_start_ns = int(prepared["start_ns"].iloc[start_row]) if len(prepared) else None
    columns.update(spike_columns(prepared["start_ns"].to_numpy()[is_run], columns["distance_m"],
                                 record_start_ns=record_start_ns))
    return pd.DataFrame({name: columns[name] for name in RUN_COLUMNS})


def record_start_row(prepared: pd.DataFrame) -> int:
    """The row where the imported record begins: its first activity of any sport (a ride shows the record
    already covered those days) with a real date; a file from a watch whose clock was never set says
    nothing about which days the record covers (unless every file is such)."""
    dated = np.flatnonzero(prepared["day"].to_numpy() >= day_number(earliest_set_clock_date()))
    return int(dated[0]) if len(dated) else 0


def _findings(runs, daily, weekly, acwr, monotony, strain, as_of, record_start, shoes) -> list[Finding]:
    if runs.empty:
        found: list[Finding] = [load_findings.no_data_finding(as_of)]
    else:
        found = load_findings.spike_findings(runs, as_of, record_start)
        history_days = len(daily)
        for finding in (
            load_findings.weekly_jump_finding(weekly, as_of),
            load_findings.rest_streak_finding(daily),
            load_findings.monotony_finding(monotony, strain, as_of),
            load_findings.acwr_finding(acwr, history_days, as_of),
            load_findings.long_run_share_finding(weekly, as_of),
        ):
            if finding is not None:
                found.append(finding)
    return found + shoe_findings(shoes, runs, as_of)


def _data_warnings(prepared: pd.DataFrame, loads: pd.DataFrame, settings: HeartRateSettings) -> list[str]:
    notes = []
    is_run = prepared["is_run"].to_numpy(dtype=bool)
    no_distance = int(np.isnan(prepared["distance_m"].to_numpy()[is_run]).sum())
    if no_distance:
        notes.append(f"{no_distance} run{' has' if no_distance == 1 else 's have'} no distance; left out of the spike "
                     "check and distance totals")
    excluded = int(prepared["values_excluded"].to_numpy(dtype=bool).sum())
    if excluded:
        notes.append(f"{excluded} {'activity' if excluded == 1 else 'activities'} had impossible values (a device "
                     "or export fault) that were left out at import; see each activity's import warnings")
    elapsed = int((prepared["duration_source"].to_numpy() == "elapsed_s").sum())
    if elapsed:
        notes.append(f"{elapsed} {'activity has' if elapsed == 1 else 'activities have'} only elapsed time, which "
                     "includes stops; the load may be too high")
    if loads["hr_above_max_s"].sum() > 60:
        notes.append(
            f"more than a minute of heart rate above your maximum of {settings.hr_max:g} bpm was recorded; "
            "check your maximum heart rate (or the strap)"
        )
    return notes


def headline_numbers(as_of, runs, daily, weekly, pmc, acwr, monotony, strain, zones, loads, settings) -> dict[str, Any]:
    """LoadReport.summary: the headline numbers as plain Python values (JSON-friendly)."""
    today = day_number(as_of)
    run_days = runs["date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    km = runs["distance_m"].to_numpy(dtype=float) / 1000
    bands = runs["spike_band"].to_numpy(dtype=object)
    ratios = runs["spike_ratio"].to_numpy(dtype=float)
    has_runs = len(runs) > 0
    dated = run_days >= day_number(earliest_set_clock_date())

    def km_since(days: int) -> float:
        return float(np.nansum(km[run_days > today - days]))

    recent = bands[run_days > today - load_findings.lookback_days()]
    band_counts = {str(b): int((recent == b).sum()) for b in dict.fromkeys(recent.tolist()) if isinstance(b, str)}
    worst = next((b for b in ("large", "moderate", "small") if band_counts.get(b)), None)
    complete = weekly["complete"].to_numpy(dtype=bool) if len(weekly) else np.zeros(0, dtype=bool)
    week_km, week_change = weekly["distance_km"].to_numpy(), weekly["change_pct"].to_numpy()
    # the runs a run after as_of is measured against: the spike window before the next day
    window_start, _ = reference_window(as_of + dt.timedelta(days=1))
    in_spike_window = km[run_days >= day_number(window_start)]
    latest = {name: pmc[name].to_numpy()[-1] if len(pmc) else None for name in pmc.columns}
    sources, counts = np.unique(loads["load_source"].to_numpy(dtype=str), return_counts=True)
    full_week = len(daily) >= MONOTONY_DAYS
    return plain({
        "as_of": as_of,
        "runs_total": len(runs),
        "first_run_date": day_to_date(run_days[0]) if has_runs else None,
        "last_run_date": day_to_date(run_days[-1]) if has_runs else None,
        # The date range a person reads: runs from a watch whose clock was never set carry no real date.
        "first_dated_run_date": day_to_date(run_days[dated][0]) if dated.any() else None,
        "runs_with_unset_clock": int((~dated).sum()),
        "days_since_last_run": today - int(run_days[-1]) if has_runs else None,
        "distance_last_7d_km": km_since(7),
        "distance_last_28d_km": km_since(28),
        "runs_last_7d": int((run_days > today - 7).sum()),
        "runs_last_28d": int((run_days > today - 28).sum()),
        "rest_days_last_7d": rest_days(daily, 7) if full_week else None,
        "current_streak_days": int(run_streaks(daily["runs"].to_numpy() > 0)[-1]) if len(daily) else 0,
        "this_week_km": week_km[-1] if len(week_km) else None,
        "last_complete_week_km": week_km[complete][-1] if complete.any() else None,
        "last_complete_week_change_pct": week_change[complete][-1] if complete.any() else None,
        "longest_run_30d_km": np.nanmax(in_spike_window) if np.isfinite(in_spike_window).any() else None,
        "last_run_km": km[-1] if has_runs else None,
        "last_run_spike_ratio": ratios[-1] if has_runs else None,
        "last_run_spike_band": bands[-1] if has_runs else None,
        "spike_bands_lookback": band_counts,
        "worst_spike_band_lookback": worst,
        "lookback_days": load_findings.lookback_days(),
        "fitness": latest["fitness"],
        "fatigue": latest["fatigue"],
        "form": latest["form"],
        "fitness_ramp_7d": latest["ramp_7d"],
        "acwr_ewma": acwr["acwr"].to_numpy()[-1] if len(acwr) else None,
        "monotony_7d": monotony if full_week else None,
        "strain_7d": strain if full_week else None,
        "zones_28d": dict(zip(zones.index, zones.to_numpy())),
        "load_sources": dict(zip(sources.tolist(), counts.tolist())),
        "hr_rest": settings.hr_rest,
        "hr_max": settings.hr_max,
        "trimp_constants": [settings.a, settings.b],
    })
