"""A 12-week demo training history built from one real run.

The route, elevation and heart-rate trace of a real Garmin recording are
re-timed into GPX files following a plan that contains the load errors
kneeguard looks for: a steady base, then a rising long run, weeks without a rest
day and one long run far beyond the previous month's longest. Deterministic, so
the demo output is the same on every machine.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEMO_END = dt.date(2026, 11, 22)  # a Sunday; the demo analyses "as of" this day
WEEKS = 12
SAMPLE_EVERY_S = 5


@dataclass(frozen=True)
class PlannedRun:
    day: dt.date
    km: float
    pace_s_per_km: float


def demo_plan(end: dt.date = DEMO_END) -> list[PlannedRun]:
    """Weekday → km per week: a 30 km base, then a build with no rest days."""
    base = {1: 6, 3: 8, 5: 6, 6: 10}
    weeks: list[dict[int, float]] = [base] * 8 + [
        {1: 6, 2: 6, 3: 8, 5: 6, 6: 12},
        {0: 6, 1: 8, 2: 6, 3: 8, 4: 5, 5: 6, 6: 14},
        {0: 6, 1: 8, 2: 6, 3: 8, 4: 5, 5: 6, 6: 20},
        {0: 6, 1: 8, 2: 6, 3: 8, 4: 6, 5: 5, 6: 16},
    ]
    first_monday = end - dt.timedelta(days=7 * WEEKS - 1)
    runs = []
    for w, week in enumerate(weeks):
        for weekday, km in sorted(week.items()):
            day = first_monday + dt.timedelta(days=7 * w + weekday)
            pace = 360.0 if km >= 10 else 335.0
            runs.append(PlannedRun(day, float(km), pace))
    return runs


def write_demo_history(template: pd.DataFrame, folder: Path, end: dt.date = DEMO_END) -> list[Path]:
    """Write one GPX per planned run into `folder`; `template` is a real run's samples."""
    route = _route(template)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, run in enumerate(demo_plan(end)):
        start = dt.datetime.combine(run.day, dt.time(6, 30), tzinfo=dt.timezone.utc)
        start += dt.timedelta(minutes=(i * 7) % 40)  # not every run at the same minute
        path = folder / f"demo-{run.day.isoformat()}.gpx"
        path.write_text(_gpx(route, run, start), encoding="utf-8")
        paths.append(path)
    return paths


def _route(template: pd.DataFrame) -> dict[str, np.ndarray]:
    needed = ["lat_deg", "lon_deg", "distance_m"]
    frame = template.dropna(subset=needed)
    frame = frame[frame["distance_m"].diff().fillna(1) > 0]
    if len(frame) < 10:
        raise ValueError("the demo template run has no usable GPS track")
    t = (frame["time"] - frame["time"].iloc[0]).dt.total_seconds().to_numpy()
    hr = frame["heart_rate_bpm"] if "heart_rate_bpm" in frame else pd.Series(np.nan, index=frame.index)
    alt = frame["altitude_m"] if "altitude_m" in frame else pd.Series(0.0, index=frame.index)
    return {
        "dist": frame["distance_m"].to_numpy() - frame["distance_m"].iloc[0],
        "lat": frame["lat_deg"].to_numpy(),
        "lon": frame["lon_deg"].to_numpy(),
        "alt": alt.ffill().bfill().fillna(0).to_numpy(),
        "t": t,
        "hr": hr.ffill().bfill().fillna(140).to_numpy(),
    }


def _gpx(route: dict[str, np.ndarray], run: PlannedRun, start: dt.datetime) -> str:
    length = route["dist"][-1]
    total_s = run.km * run.pace_s_per_km
    seconds = np.arange(0, total_s + SAMPLE_EVERY_S, SAMPLE_EVERY_S, dtype=float)
    covered = np.minimum(seconds / run.pace_s_per_km * 1000.0, run.km * 1000.0)
    # Run the real route out and back as often as needed (a "ping-pong" walk).
    lap, along = np.divmod(covered, length)
    along = np.where(lap % 2 == 1, length - along, along)
    lat = np.interp(along, route["dist"], route["lat"])
    lon = np.interp(along, route["dist"], route["lon"])
    alt = np.interp(along, route["dist"], route["alt"])
    hr_t = np.mod(seconds, route["t"][-1])
    drift = np.clip(seconds / 3600.0, 0, 2) * 6.0  # cardiac drift on long runs
    hr = np.round(np.interp(hr_t, route["t"], route["hr"]) + drift)
    points = []
    for s, la, lo, al, h in zip(seconds, lat, lon, alt, hr):
        when = (start + dt.timedelta(seconds=float(s))).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(
            f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><ele>{al:.1f}</ele><time>{when}</time>'
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{int(h)}</gpxtpx:hr>"
            f"</gpxtpx:TrackPointExtension></extensions></trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="kneeguard demo history"'
        ' xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
        f"<metadata><time>{start.strftime('%Y-%m-%dT%H:%M:%SZ')}</time></metadata>\n"
        "<trk><name>Demo run</name><type>running</type><trkseg>\n"  # its km: the track, as measured (the planned km differed)
        + "\n".join(points)
        + "\n</trkseg></trk></gpx>\n"
    )
