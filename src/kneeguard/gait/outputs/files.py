"""Write a gait analysis to a folder: summary JSON, per-step CSV/JSON, plots, keypoints and angles.

Layout of DIR:
    summary.json           GaitSummary.to_dict(): metrics, findings, video info, warnings (what `gait compare` reads)
    steps.csv, steps.json  one row per step
    keypoints.json         the keypoint series (re-analyse later with --keypoints)
    keypoints.trc          OpenSim/Sports2D marker file (pixels, Y up)
    angles.mot             OpenSim joint-angle file (degrees)
    knee_angle.png         knee flexion over each step, landing (IC) and toe-off (TO) marked
    step_metrics.png       per-step metrics, left and right
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kneeguard.gait.outputs.annotate import SIDE_COLOUR, event_marks, knee_flexion_deg
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.outputs.landing_figure import plot_landing
from kneeguard.gait.summary import GaitSummary

SIDE_MPL = {"left": "#00aaff", "right": "#ff8c00"}
PREFERRED_STEP_METRICS = (
    "cadence_spm", "contact_time_ms", "knee_flexion_ic_deg", "peak_knee_flexion_deg", "shank_angle_ic_deg",
    "overstride_cm", "overstride_pct_leg", "trunk_lean_deg", "vertical_oscillation_cm",
)


def json_default(value: Any) -> Any:
    """Make numpy / dates / enums JSON-safe; NaN is written as null by `clean_nans`."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "value"):
        return value.value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def clean_nans(obj: Any) -> Any:
    """NaN/inf are not JSON: replace with None, recursively."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: clean_nans(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_nans(v) for v in obj]
    if isinstance(obj, np.floating):
        return clean_nans(float(obj))
    return obj


def write_json(path: Path, payload: Any) -> Path:
    # Round-trip through json_default first so numpy scalars become floats and NaN can be cleaned.
    plain = json.loads(json.dumps(payload, default=json_default, allow_nan=True))
    path.write_text(json.dumps(clean_nans(plain), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def steps_frame(report) -> pd.DataFrame:
    steps = getattr(report, "steps", None)
    if steps is None:
        return pd.DataFrame()
    if isinstance(steps, pd.DataFrame):
        return steps.reset_index(drop=True)
    rows = [s.to_dict() if hasattr(s, "to_dict") else (vars(s) if not isinstance(s, dict) else s) for s in steps]
    return pd.DataFrame(rows)


def write_outputs(
    out_dir: str | Path,
    report,
    series: KeypointSeries,
    summary: GaitSummary,
    *,
    plots: bool = True,
) -> dict[str, Path]:
    """Write every artefact into `out_dir` (created if needed); returns {kind: path}."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GaitError(f"cannot create the output folder {out}: {exc.strerror}") from exc
    written: dict[str, Path] = {"summary": write_json(out / "summary.json", summary.to_dict())}

    steps = steps_frame(report)
    steps.to_csv(out / "steps.csv", index=False)
    written["steps_csv"] = out / "steps.csv"
    written["steps_json"] = write_json(out / "steps.json", steps.to_dict("records"))
    written.update(write_keypoints(out, series))
    written.update(_write_opensim(out, series, report))
    if plots:
        written["knee_plot"] = plot_knee_per_step(series, report, out / "knee_angle.png")
        landing = plot_landing(series, report, out / "landing.png")
        if landing is not None:
            written["landing_figure"] = landing
        if not steps.empty:
            written["steps_plot"] = plot_step_metrics(steps, out / "step_metrics.png")
    return written


def write_keypoints(out: Path, series: KeypointSeries) -> dict[str, Path]:
    """The series in kneeguard's keypoint JSON (re-analyse later with `gait --keypoints`)."""
    from kneeguard.gait.io.schema_json import write_keypoints_json

    return {"keypoints": write_keypoints_json(series, out / "keypoints.json", decimals=2)}


def save_keypoints_npz(series: KeypointSeries, path: Path) -> None:
    np.savez_compressed(
        path, names=np.array(series.names), xy=series.xy, visibility=series.visibility,
        fps=series.fps, frame_size=np.array(series.frame_size), units=series.units,
        source=series.source, meta=json.dumps(series.meta, default=json_default),
    )


def load_keypoints_npz(path: str | Path) -> KeypointSeries:
    with np.load(path, allow_pickle=False) as data:
        return KeypointSeries(
            names=[str(n) for n in data["names"]], xy=data["xy"], visibility=data["visibility"],
            fps=float(data["fps"]), frame_size=tuple(int(v) for v in data["frame_size"]),
            units=str(data["units"]), source=str(data["source"]), meta=json.loads(str(data["meta"])),
        )


def _write_opensim(out: Path, series: KeypointSeries, report) -> dict[str, Path]:
    """.trc (keypoints, pixels) and .mot (joint angles, degrees) for OpenSim/Sports2D users."""
    from kneeguard.gait.io.mot import write_mot
    from kneeguard.gait.io.trc import write_trc

    written = {"trc": write_trc(series, out / "keypoints.trc")}
    angles = getattr(report, "angles", None)
    if isinstance(angles, pd.DataFrame) and not angles.empty:
        times = angles["time_s"].to_numpy(float) if "time_s" in angles.columns else series.times[: len(angles)]
        columns = {c: angles[c].to_numpy(float) for c in angles.columns
                   if c != "time_s" and pd.api.types.is_numeric_dtype(angles[c])}
    else:  # no per-frame angles from the analysis: at least the knees
        times = series.times
        columns = {f"knee_flexion_{side}": knee_flexion_deg(series, side) for side in SIDE_COLOUR}
    written["mot"] = write_mot(out / "angles.mot", times, columns, name="kneeguard_gait_angles")
    return written


# --- plots ---------------------------------------------------------------------


def plot_knee_per_step(series: KeypointSeries, report, path: Path) -> Path:
    """Knee flexion from each landing to the next landing of the same foot, toe-off marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    marks = event_marks(getattr(report, "events", None), series.fps)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, side in zip(axes, SIDE_COLOUR):
        flex = _knee_curve(report, series, side)
        ics = sorted(m.frame for m in marks if m.side == side and m.kind == "IC")
        tos = sorted(m.frame for m in marks if m.side == side and m.kind == "TO")
        n_cycles = 0
        for start, stop in zip(ics[:-1], ics[1:]):
            if stop - start < 3 or stop > len(flex):
                continue
            pct = np.linspace(0, 100, stop - start + 1)
            ax.plot(pct, flex[start:stop + 1], color=SIDE_MPL[side], alpha=0.45, lw=1.2)
            ax.plot(0, flex[start], "o", color="black", ms=4)
            for to in (t for t in tos if start < t < stop):
                ax.plot(pct[to - start], flex[to], "^", color="crimson", ms=5)
            n_cycles += 1
        ax.set_title(f"{side} knee — {n_cycles} cycles")
        ax.set_xlabel("% of stride (landing → next landing)")
        ax.grid(alpha=0.3)
        if n_cycles == 0:
            ax.plot(series.times[: len(flex)], flex, color=SIDE_MPL[side])
            ax.set_xlabel("time (s) — no landings detected")
    axes[0].set_ylabel("knee flexion (deg, 0 = straight)")
    axes[0].plot([], [], "o", color="black", label="landing (IC)")
    axes[0].plot([], [], "^", color="crimson", label="toe-off (TO)")
    axes[0].legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _knee_curve(report, series: KeypointSeries, side: str) -> np.ndarray:
    """The analysis' knee angle when it provides one per frame, else our own from the keypoints."""
    angles = getattr(report, "angles", None)
    if isinstance(angles, pd.DataFrame) and len(angles) == series.n_frames:
        for col in angles.columns:
            name = str(col).lower()
            if name in (f"knee_{side}", f"{side}_knee", f"knee_flexion_{side}", f"{side}_knee_flexion"):
                return angles[col].to_numpy(dtype=float)
    return knee_flexion_deg(series, side)


def plot_step_metrics(steps: pd.DataFrame, path: Path) -> Path:
    """Small multiples: each numeric per-step metric against step number, coloured by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    skip = re.compile(r"(^|_)(frame|index|idx|step|time_s|t)$")
    numeric = [c for c in steps.columns if pd.api.types.is_numeric_dtype(steps[c]) and not skip.search(str(c))
               and steps[c].notna().any()]
    # Posterior-knee-relevant metrics first, then whatever else the analysis adds.
    metrics = ([c for c in PREFERRED_STEP_METRICS if c in numeric]
               + [c for c in numeric if c not in PREFERRED_STEP_METRICS])[:9]
    n = max(1, len(metrics))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.8 * rows), squeeze=False)
    side = steps["side"].astype(str).str.lower() if "side" in steps.columns else pd.Series(["?"] * len(steps))
    for ax, metric in zip(axes.flat, metrics):
        for s, colour in SIDE_MPL.items():
            rows_s = side == s
            ax.plot(np.flatnonzero(rows_s) + 1, steps.loc[rows_s, metric], "o-", color=colour, ms=4, label=s)
        other = ~side.isin(list(SIDE_MPL))
        if other.any():
            ax.plot(np.flatnonzero(other) + 1, steps.loc[other, metric], "o", color="grey", ms=4)
        if "excluded" in steps.columns:  # implausible steps: shown, crossed out, left out of the medians
            out = steps["excluded"].fillna("").astype(str) != ""
            ax.plot(np.flatnonzero(out) + 1, steps.loc[out, metric], "x", color="crimson", ms=9, mew=2,
                    label="left out (implausible)" if out.any() else None)
        ax.set_title(str(metric), fontsize=9)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("step")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
