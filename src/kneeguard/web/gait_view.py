"""What the gait pages show, computed from a stored gait summary: headline metrics per side,
per-step charts, the filming guide as a list, and which output files a session has."""
from __future__ import annotations

import math
import re
from pathlib import Path

from kneeguard.gait.compare import METRICS
from kneeguard.gait.summary import GaitSummary
from kneeguard.web.index_chart import ChartSeries, IndexChart

SIDES = ("left", "right")
SIDE_COLOURS = {"left": "#0077c8", "right": "#d46a00", "": "#777777"}  # as the annotated video: left blue, right orange
EXCLUDED_COLOUR = "#cc0000"
STEP_METRICS = (  # per-step metrics worth a chart, posterior-knee-relevant first: key, label, unit
    ("knee_flexion_ic_deg", "Knee flexion at landing", "deg"),
    ("peak_knee_flexion_deg", "Peak stance knee flexion", "deg"),
    ("overstride_cm", "Overstride", "cm"),
    ("shank_angle_ic_deg", "Shank angle at landing", "deg"),
    ("contact_time_ms", "Ground contact time", "ms"),
    ("cadence_spm", "Cadence", "steps/min"),
    ("trunk_lean_deg", "Trunk lean", "deg"),
    ("vertical_oscillation_cm", "Vertical oscillation", "cm"),
)
# Files of a web-analysed session a page may link to: URL name -> (file names to try, media type).
SESSION_FILES = {
    "video": (("annotated.mp4", "annotated.webm"), None),
    "knee_angle.png": (("knee_angle.png",), "image/png"),
    "landing.png": (("landing.png",), "image/png"),
    "steps.csv": (("steps.csv",), "text/csv"),
    "summary.json": (("summary.json",), "application/json"),
}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def metric_rows(summary: GaitSummary) -> list[dict]:
    """Headline metrics: label, unit, overall, left, right (None when absent)."""
    rows = []
    for key, label, unit in METRICS:
        values = {"all": summary.value(key), **{side: summary.value(key, side) for side in SIDES}}
        if all(v is None for v in values.values()):
            continue
        rows.append({"key": key, "label": label, "unit": unit, **values,
                     "uncertainty": summary.uncertainty.get(key)})
    return rows


def step_charts(summary: GaitSummary) -> list[IndexChart]:
    """One small chart per step metric: a dot per step, coloured by side, its value in the read-out."""
    steps = [s for s in summary.steps if isinstance(s, dict)]
    sides = [str(s.get("side") or "").lower() for s in steps]
    sides = [side if side in SIDES else "" for side in sides]
    excluded = [str(s.get("excluded") or "") for s in steps]
    charts = []
    for key, label, unit in STEP_METRICS:
        values = [_number(s.get(key)) for s in steps]
        if sum(v is not None for v in values) < 2:
            continue
        tips = [f"Step {n}{' (' + side + ')' if side else ''}: "
                + (f"{value:.1f} {unit}" if value is not None else "not measured")
                + (f" — left out of the medians: {why}" if why else "")
                for n, (side, value, why) in enumerate(zip(sides, values, excluded, strict=True), start=1)]
        chart = IndexChart(f"step-{key}", f"{label} ({unit}) per step", x_labels=[str(n) for n in
                           range(1, len(steps) + 1)], tips=tips, y_label=unit, height=200)
        for side in (*SIDES, ""):
            chart.series.append(ChartSeries(side or "side unknown", "points", [
                v if s == side and not why else None for v, s, why in zip(values, sides, excluded, strict=True)],
                SIDE_COLOURS[side]))
        chart.series.append(ChartSeries("left out of the medians", "points", [
            v if why else None for v, why in zip(values, excluded, strict=True)], EXCLUDED_COLOUR, hollow=True))
        charts.append(chart)
    return charts


def session_file(outputs: Path | None, name: str) -> tuple[Path, str] | None:
    """(path, media type) of a whitelisted output file that exists, else None."""
    if outputs is None or name not in SESSION_FILES:
        return None
    candidates, media_type = SESSION_FILES[name]
    for candidate in candidates:
        path = outputs / candidate
        if path.is_file():
            return path, media_type or VIDEO_TYPES.get(path.suffix, "application/octet-stream")
    return None


def guide_steps() -> list[str]:
    """The numbered points of the CLI's filming guide (one text for both)."""
    from kneeguard.gait.capture.guide import capture_guide

    text = capture_guide()
    items = re.findall(r"^\s+\d+\.\s+(.*?)(?=^\s+\d+\.|^\S|\Z)", text, flags=re.M | re.S)
    return [" ".join(item.split()) for item in items]


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None
