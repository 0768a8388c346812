"""The dashboard's pain-against-load chart: running km per day and per week, the pain of every check-in
and of every ticked plan session (during it and the next morning), the runs that spiked and the changes
of plan (check-in level changes, clinician edits), over a chosen period.

Everything here is read, not computed: km per day and per week are the `LoadReport`'s own `daily` and
`weekly` tables (the report the advice was made from), spike bands are its `runs` table's (`load.spike`
owns the window and the bands), band colours and labels are `load.bands.BAND_STYLE`'s (the PNG chart's), check-in pain is
`CheckinRecord.pain` and the ticks are `store.plan_log`'s. The browser draws it with uPlot
(static/dashboard.js) from `PainLoadChart.to_dict()`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kneeguard.errors import InvalidInput
from kneeguard.load.bands import BAND_STYLE, SHORT_RECORD, shown_bands
from kneeguard.load.spike import SPIKE_BANDS

# Display periods (how much history the chart shows), not advice: days back from the analysis day.
PERIODS: dict[str, tuple[str, int | None]] = {
    "4w": ("4 weeks", 28), "3m": ("3 months", 91), "1y": ("1 year", 365), "all": ("all", None),
}
DEFAULT_PERIOD = "3m"
DAILY_VIEW_UP_TO_DAYS = 91  # periods up to this open on daily bars; longer ones on weekly totals
# The chart's own series colours (the spike bands bring theirs from load.bands.BAND_STYLE).
SERIES_COLOURS = {"km": "#6d8fb3", "checkin_pain": "#b00020", "pain_during": "#d46a00", "pain_morning": "#6b4a9a",
                  "change": "#12263f"}
# 'reference' runs are not marked; a spike without a whole window of record before it is, as not judged
MARKED_BANDS = (SHORT_RECORD, *SPIKE_BANDS, "return_after_break")
NS_PER_S = 10**9


@dataclass(frozen=True)
class ChartSpike:
    day: dt.date
    km: float
    reference_km: float | None  # the longest run of the spike window before it (None after a break)
    ratio_pct: float | None
    band: str


@dataclass(frozen=True)
class ChartChange:
    day: dt.date
    kind: str  # "checkin" (the triage level changed) | "edit" (a clinician's plan edit)
    text: str


@dataclass(frozen=True)
class ChartCheckin:
    day: dt.date
    pain: float | None
    level: str | None


@dataclass(frozen=True)
class ChartTick:
    day: dt.date
    kind: str
    pain_during: int | None
    pain_morning: int | None


@dataclass
class PainLoadChart:
    as_of: dt.date
    period: str
    first: dt.date
    day_km: np.ndarray  # running km of each day first..as_of
    week_km: np.ndarray  # the km of the week (Monday-Sunday) each day belongs to
    weeks: pd.DataFrame  # the report's weekly rows that the period touches
    checkins: list[ChartCheckin] = field(default_factory=list)
    ticks: list[ChartTick] = field(default_factory=list)
    spikes: list[ChartSpike] = field(default_factory=list)
    changes: list[ChartChange] = field(default_factory=list)
    window_days: int = 0

    @property
    def days(self) -> int:
        return len(self.day_km)

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    @property
    def default_view(self) -> str:
        return "daily" if self.days <= DAILY_VIEW_UP_TO_DAYS else "weekly"

    def spike_counts(self) -> dict[str, int]:
        counts = {b: 0 for b in MARKED_BANDS}
        for s in self.spikes:
            counts[s.band] += 1
        return {b: n for b, n in counts.items() if n}

    def to_dict(self) -> dict[str, Any]:
        start = pd.Timestamp(self.first).value // NS_PER_S
        week_rows = [{"t": int(pd.Timestamp(monday).value // NS_PER_S), "km": _num(w["distance_km"]),
                      "runs": int(w["runs"]), "change_pct": _num(w.get("change_pct")),
                      "complete": bool(w.get("complete", True))} for monday, w in self.weeks.iterrows()]
        return {
            "as_of": self.as_of.isoformat(), "period": self.period, "first": self.first.isoformat(),
            "default_view": self.default_view, "window_days": self.window_days,
            "days": [start + 86_400 * i for i in range(self.days)],
            "day_km": [_num(v) for v in self.day_km], "week_km": [_num(v) for v in self.week_km],
            "weeks": week_rows,
            "checkins": [{"i": self.index(c.day), "date": c.day.isoformat(), "pain": c.pain, "level": c.level}
                         for c in self.checkins],
            "ticks": [{"i": self.index(t.day), "date": t.day.isoformat(), "kind": t.kind,
                       "pain_during": t.pain_during, "pain_morning": t.pain_morning} for t in self.ticks],
            "spikes": [{"i": self.index(s.day), "date": s.day.isoformat(), "km": round(s.km, 2),
                        "reference_km": None if s.reference_km is None else round(s.reference_km, 2),
                        "ratio_pct": None if s.ratio_pct is None else round(s.ratio_pct), "band": s.band}
                       for s in self.spikes],
            "changes": [{"i": self.index(c.day), "date": c.day.isoformat(), "kind": c.kind, "text": c.text}
                        for c in self.changes],
            "bands": {b: {"label": BAND_STYLE[b][3], "colour": BAND_STYLE[b][1]} for b in MARKED_BANDS},
            "colours": SERIES_COLOURS,
        }


def checked_period(period: str | None) -> str:
    period = period or DEFAULT_PERIOD
    if period not in PERIODS:
        raise InvalidInput(f"unknown chart period {period!r}; one of {', '.join(PERIODS)}")
    return period


def period_start(period: str, as_of: dt.date) -> dt.date | None:
    """The earliest day `period` can show (None: the whole history), for reading only what it needs."""
    days = PERIODS[checked_period(period)][1]
    return None if days is None else as_of - dt.timedelta(days=max(days, DAILY_VIEW_UP_TO_DAYS))


def build_chart(report, as_of: dt.date, period: str, checkin_records: list, ticks: dict,
                overrides: list) -> PainLoadChart:
    """The chart for `period` up to `as_of` from the advice's `LoadReport` (None: no activities),
    stored check-ins (`CheckinRecord`s, oldest first), ticks ({(day, kind): plan_log.Tick}) and the plan
    edits in force (`PlanOverride`s)."""
    from kneeguard.load.spike import window_days

    period = checked_period(period)
    first = _first_day(report, as_of, PERIODS[period][1], checkin_records, ticks)
    days = pd.date_range(first, as_of, freq="D")
    daily = report.daily if report is not None else None
    if daily is not None and len(daily):
        day_km = daily["distance_km"].reindex(days, fill_value=0.0).to_numpy(dtype=float)
        mondays = days - pd.to_timedelta(days.dayofweek, unit="D")
        week_km = report.weekly["distance_km"].reindex(mondays).to_numpy(dtype=float)
        weeks = report.weekly.loc[(report.weekly.index >= mondays[0]) & (report.weekly.index <= days[-1])]
    else:
        day_km = np.zeros(len(days))
        week_km = np.full(len(days), np.nan)
        weeks = pd.DataFrame(columns=["distance_km", "runs", "change_pct", "complete"])
    in_period = [r for r in checkin_records if first <= r.on_date <= as_of]
    return PainLoadChart(
        as_of, period, first, day_km, week_km, weeks,
        checkins=[ChartCheckin(r.on_date, _num(r.pain), r.level.value if r.level else None) for r in in_period],
        ticks=[ChartTick(t.day, t.session_key, t.pain_during, t.pain_morning)
               for (day, _), t in sorted(ticks.items()) if first <= day <= as_of],
        spikes=_spikes(report, first, as_of),
        changes=_changes(checkin_records, overrides, first, as_of),
        window_days=window_days(),
    )


def _first_day(report, as_of: dt.date, period_days: int | None, checkins: list, ticks: dict) -> dt.date:
    """The period's first day, but no earlier than the first data (a short history is not squeezed
    into a year of empty days), and never less than the shortest period."""
    known = [r.on_date for r in checkins] + [day for day, _ in ticks]
    if report is not None and len(report.daily):
        known.append(report.daily.index[0].date())
    earliest = min((d for d in known if d <= as_of), default=as_of)
    shortest = as_of - dt.timedelta(days=min(d for _, d in PERIODS.values() if d) - 1)
    start = earliest if period_days is None else max(earliest, as_of - dt.timedelta(days=period_days - 1))
    return min(start, shortest)


def _spikes(report, first: dt.date, as_of: dt.date) -> list[ChartSpike]:
    """Runs in the period whose spike band is above the reference band, as the load chart shows them
    (`load.bands.shown_bands`): the record's first run has no known past and is not marked, a spike
    with fewer than the window's days of record before it is marked not judged."""
    runs = getattr(report, "runs", None)
    if runs is None or runs.empty:
        return []
    dates = pd.DatetimeIndex(runs["date"]).date
    bands = shown_bands(runs)
    keep = np.isin(bands, MARKED_BANDS)
    keep &= (dates >= first) & (dates <= as_of)
    out = []
    for day, km, ref, ratio, band in zip(dates[keep], runs["distance_m"].to_numpy(dtype=float)[keep] / 1000,
                                         runs["ref_longest_m"].to_numpy(dtype=float)[keep] / 1000,
                                         runs["spike_ratio"].to_numpy(dtype=float)[keep], bands[keep]):
        out.append(ChartSpike(day, float(km), None if ref != ref else float(ref),
                              None if ratio != ratio else float(ratio) * 100, str(band)))
    return out


def _changes(checkins: list, overrides: list, first: dt.date, as_of: dt.date) -> list[ChartChange]:
    """A marker where the check-in's triage level changed (the plan follows it) and where an edit was set."""
    out, previous = [], None
    for record in checkins:
        level = record.level.value if record.level else None
        if level is None or level == previous:
            continue
        if first <= record.on_date <= as_of:
            text = f"check-in level {previous} → {level}" if previous else f"first check-in: {level}"
            out.append(ChartChange(record.on_date, "checkin", text))
        previous = level
    for edit in overrides:
        when = edit.created_at.date() if edit.created_at else None
        if when is not None and first <= when <= as_of:
            out.append(ChartChange(when, "edit", f"plan edit: {edit.describe()} ({edit.set_by()})"))
    return sorted(out, key=lambda c: c.day)


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else round(value, 2)
