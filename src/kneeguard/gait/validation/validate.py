"""Validate the video gait analysis against motion capture and force plates.

Method: rebuild pose-like keypoints from 3D markers (io.mocap), view them with a
virtual side camera at the native rate, 60 and 30 fps (with and without
pose-like noise), run `analyze_gait` on each, and compare its events with the
force-plate contacts and its knee angles with the data set's processed curves
(or, without those, with knee angles measured on the noise-free keypoints).
"""
from __future__ import annotations

from collections.abc import Callable
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard.errors import InvalidInput
from kneeguard.gait.events import EventParameters
from kneeguard.gait.io.forces import contact_threshold_n, force_events, summarize_events
from kneeguard.gait.io.mocap import MarkerTrial, read_markers
from kneeguard.gait.io.processed import SPEEDS, knee_reference
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.validation.virtual_camera import VirtualCamera, add_noise, mocap_keypoints, resample

DEFAULT_NOISE_PX = 8.0  # middle of the 5–15 px error reported for pose models at this scale
FUKUCHI_TRIAL = {"markers": "RBDS001runT25markers.txt", "forces": "RBDS001runT25forces.txt",
                 "static": "RBDS001static.c3d", "processed": "RBDS001processed.txt"}  # the bundled 2.5 m/s trial


def add_trial_arguments(parser, data_dir: Path) -> None:
    """The validation scripts' --markers/--forces/--static/--processed options, defaulting to the bundled trial."""
    for option, name in FUKUCHI_TRIAL.items():
        parser.add_argument(f"--{option}", type=Path, default=data_dir / name)
TARGETS = {  # what the analysis should reach; see docs/validation.md
    "ic_error_ms_median": "≤ 1 frame",
    "to_error_ms_median": "≤ 1 frame",
    "cadence_error_pct": 1.0,
    "contact_time_error_ms": 10.0,  # at the native 150 Hz
    "knee_ic_error_deg": 3.0,
    "knee_peak_error_deg": 3.0,
}


PROCESSED_SOURCE = "processed curves"
MARKER_SOURCE = "marker-based angles (static-trial joint centres)"
MARKER_ONLY_SOURCE = "marker-based angles (marker-only approximation, no static trial)"
FALLBACK_WARNING = ("knee angles are compared with marker-based angles, which are not a truth (the analysis sees "
                    "the same geometry); give --processed for the authors' curves")


@dataclass(frozen=True)
class KneeTruth:
    """Where the knee reference comes from, and whether it may be quoted as accuracy."""

    source: str  # PROCESSED_SOURCE, MARKER_SOURCE or MARKER_ONLY_SOURCE
    speed: str | None  # processed-curve speed ("25", "35", "45"); None for marker-based angles

    @property
    def is_truth(self) -> bool:
        return self.source == PROCESSED_SOURCE

    @property
    def warning(self) -> str | None:
        return None if self.is_truth else FALLBACK_WARNING

    def as_dict(self) -> dict:
        return {"source": self.source, "speed": self.speed, "is_truth": self.is_truth, "warning": self.warning}


@dataclass
class MocapReference:
    """The truth for one trial: force-plate contacts and knee angles per side."""

    trial: MarkerTrial
    static: MarkerTrial | None
    contacts: pd.DataFrame  # side, ic_time_s, to_time_s, contact_time_s
    summary: dict  # cadence_spm, contact_time_s_mean, step_time_s …
    knee: dict[str, dict[str, float]]  # side → {"ic_deg", "peak_deg"}
    knee_truth: KneeTruth

    @property
    def knee_source(self) -> str:
        return self.knee_truth.source


def load_reference(
    markers: str | Path | None = None,
    forces: str | Path | None = None,
    static: str | Path | None = None,
    processed: str | Path | None = None,
    c3d: str | Path | None = None,
    speed: str | None = None,
) -> MocapReference:
    """Read the trial (a .c3d or a marker export + force file) and build the reference.

    `speed` picks the processed curves ("25", "35", "45"); by default it is read from the trial's
    name (Fukuchi names: `RBDS001runT35…`), else 2.5 m/s.
    """
    if c3d is None and (markers is None or forces is None):
        raise InvalidInput("give either a .c3d running trial or both a marker file and a force file")
    trial = read_markers(c3d if c3d is not None else markers)
    static_trial = read_markers(static) if static is not None else None
    contacts = force_events(forces if forces is not None else c3d, trial)
    if len(contacts) < 4:
        raise InvalidInput(f"the force data hold fewer than 4 foot contacts above {contact_threshold_n():g} N; nothing to validate")
    summary = summarize_events(contacts)
    if processed is not None:
        speed = speed or trial_speed(c3d if c3d is not None else markers)
        knee = {side: {"ic_deg": ref.ic_deg, "peak_deg": ref.peak_stance_deg}
                for side, ref in knee_reference(processed, speed).items()}
        truth = KneeTruth(PROCESSED_SOURCE, speed)
    else:
        knee = marker_knee_reference(mocap_keypoints(trial, static_trial), contacts)
        truth = KneeTruth(MARKER_SOURCE if static_trial is not None else MARKER_ONLY_SOURCE, None)
    return MocapReference(trial, static_trial, contacts, summary, knee, truth)


def trial_speed(path: str | Path | None) -> str:
    """The speed code in a Fukuchi trial name (`runT35` → "35"); "25" when the name holds none."""
    match = re.search(r"run[TO]?(\d{2})", Path(path).name if path is not None else "")
    return match.group(1) if match and match.group(1) in SPEEDS else "25"


def knee_flexion_2d(series: KeypointSeries, side: str) -> np.ndarray:
    """Knee flexion in the image plane: 180° minus the hip–knee–ankle angle."""
    hip, knee, ankle = (series.point(f"{side}_{j}") for j in ("hip", "knee", "ankle"))
    thigh, shank = hip - knee, ankle - knee
    cos = np.sum(thigh * shank, axis=1) / (np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def marker_knee_reference(series: KeypointSeries, contacts: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Median knee flexion at force-plate IC and median stance peak, from noise-free keypoints."""
    out = {}
    for side in ("left", "right"):
        own = contacts[contacts["side"] == side]
        if own.empty:
            continue
        flex = knee_flexion_2d(series, side)
        at_ic = np.interp(own["ic_time_s"], series.times, flex)
        peaks = [np.nanmax(flex[(series.times >= c.ic_time_s) & (series.times <= c.to_time_s)])
                 for c in own.itertuples()]
        out[side] = {"ic_deg": float(np.nanmedian(at_ic)), "peak_deg": float(np.nanmedian(peaks))}
    return out


def match_events(detected: pd.DataFrame, reference: pd.DataFrame, column: str, window_s: float) -> pd.DataFrame:
    """Pair each reference event with the nearest detected one of the same side within `window_s`.

    Returns side, ref_s, detected_s, error_ms (detected − reference; positive = late).
    """
    rows = []
    if detected is None or detected.empty or column not in detected:
        return pd.DataFrame(columns=["side", "ref_s", "detected_s", "error_ms"])
    if "valid" in detected.columns:  # the analysis flags contacts it rejected; those are not detections
        detected = detected[detected["valid"].astype(bool)]
    has_side = "side" in detected.columns
    for ref in reference.itertuples():
        pool = detected[detected["side"] == ref.side] if has_side else detected
        times = pool[column].dropna().to_numpy(dtype=float)
        if not len(times):
            continue
        nearest = times[np.argmin(np.abs(times - getattr(ref, column)))]
        if abs(nearest - getattr(ref, column)) <= window_s:
            rows.append({"side": ref.side, "ref_s": getattr(ref, column), "detected_s": nearest,
                         "error_ms": 1000.0 * (nearest - getattr(ref, column))})
    return pd.DataFrame(rows, columns=["side", "ref_s", "detected_s", "error_ms"])


def score_report(report, reference: MocapReference, fps: float) -> dict:
    """Absolute errors of one GaitReport against the reference, plus counts and signed biases."""
    events = getattr(report, "events", None)
    summary = getattr(report, "summary", {}) or {}
    step = reference.summary["step_time_s"]
    ref_events = reference.contacts
    ic = match_events(events, ref_events, "ic_time_s", step / 2)
    to = match_events(events, ref_events, "to_time_s", step / 2)
    out: dict = {"fps": fps, "frame_ms": 1000.0 / fps}
    out["ic_error_ms_median"] = _median_abs(ic["error_ms"])
    out["to_error_ms_median"] = _median_abs(to["error_ms"])
    out["ic_bias_ms"] = _median(ic["error_ms"])
    out["to_bias_ms"] = _median(to["error_ms"])
    ref_contact_ms = 1000.0 * reference.summary["contact_time_s_mean"]
    contact = summary.get("contact_time_ms")
    out["contact_time_ms"] = _float(contact)
    out["contact_time_error_ms"] = abs(_float(contact) - ref_contact_ms)
    cadence = _float(summary.get("cadence_spm"))
    out["cadence_spm"] = cadence
    out["cadence_error_pct"] = 100.0 * abs(cadence - reference.summary["cadence_spm"]) / reference.summary["cadence_spm"]
    out["knee_ic_error_deg"] = _knee_error(summary, reference.knee, "knee_flexion_ic_deg", "ic_deg")
    out["knee_peak_error_deg"] = _knee_error(summary, reference.knee, "peak_knee_flexion_deg", "peak_deg")
    n_detected = 0
    if events is not None and "ic_time_s" in events:
        usable = events[events["valid"].astype(bool)] if "valid" in events else events
        n_detected = int(usable["ic_time_s"].notna().sum())
    out.update(n_reference=int(len(ref_events)), n_detected=n_detected,
               n_matched_ic=int(len(ic)), n_matched_to=int(len(to)),
               ic_within_1_frame_pct=_within(ic["error_ms"], 1000.0 / fps),
               to_within_1_frame_pct=_within(to["error_ms"], 1000.0 / fps))
    return out


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _median(values: pd.Series) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def _median_abs(values: pd.Series) -> float:
    return float(np.median(np.abs(values))) if len(values) else float("nan")


def _within(values: pd.Series, limit_ms: float) -> float:
    return float(100.0 * np.mean(np.abs(values) <= limit_ms)) if len(values) else float("nan")


def _knee_error(summary: dict, truth: dict, key: str, truth_key: str) -> float:
    """Mean over sides of |measured − truth|; falls back to the both-sides value against the sides' mean."""
    errors = []
    for side, ref in truth.items():
        measured = _float((summary.get(side) or {}).get(key)) if isinstance(summary.get(side), dict) else float("nan")
        if np.isfinite(measured):
            errors.append(abs(measured - ref[truth_key]))
    if errors:
        return float(np.mean(errors))
    overall = _float(summary.get(key))
    mean_truth = float(np.mean([ref[truth_key] for ref in truth.values()])) if truth else float("nan")
    return abs(overall - mean_truth)


def _default_analyzer() -> Callable:
    try:
        from kneeguard.gait.analysis import analyze_gait
    except ImportError as exc:
        raise RuntimeError(f"the gait analysis is not available ({exc})") from exc
    return analyze_gait


def validate_mocap(
    markers: str | Path | None = None,
    forces: str | Path | None = None,
    static: str | Path | None = None,
    processed: str | Path | None = None,
    c3d: str | Path | None = None,
    noise_px: float = DEFAULT_NOISE_PX,
    seed: int = 0,
    height_cm: float = 181.0,
    camera: VirtualCamera = VirtualCamera(),
    analyze: Callable | None = None,
    reference: MocapReference | None = None,
    event_parameters: EventParameters | None = None,
    speed: str | None = None,
) -> dict[str, dict]:
    """Run the analysis on the projected markers; one result dict per rate.

    `event_parameters` (default: the analysis' own) lets a sensitivity sweep run; report it as one.

    Keys: the native rate (e.g. "150"), "60", "30", then the same with noise ("150+noise", "60+noise",
    "30+noise"). A rate whose analysis raises GaitError gets {"error": message} instead of numbers.
    """
    analyze = analyze or _default_analyzer()
    ref = reference or load_reference(markers, forces, static, processed, c3d, speed)
    extra = {} if event_parameters is None else {"event_parameters": event_parameters}
    native = mocap_keypoints(ref.trial, ref.static, camera, person_height_m=height_cm / 100.0)
    native_key = f"{ref.trial.rate:g}"
    plans = [(native_key, None, 0.0), ("60", 60.0, 0.0), ("30", 30.0, 0.0),
             (f"{native_key}+noise", None, noise_px), ("60+noise", 60.0, noise_px), ("30+noise", 30.0, noise_px)]
    results: dict[str, dict] = {}
    for key, fps, sigma in plans:
        series = native if fps is None else resample(native, fps)
        if sigma:
            series = add_noise(series, sigma, seed)
        try:
            report = analyze(series, view="side", height_cm=height_cm, treadmill=True, **extra)
        except GaitError as exc:
            results[key] = {"fps": series.fps, "noise_px": sigma, "error": str(exc)}
            continue
        results[key] = {"noise_px": sigma, **score_report(report, ref, series.fps)}
    return results


def reference_facts(ref: MocapReference) -> dict:
    """The reference numbers a reader needs beside the error table."""
    s = ref.summary
    return {
        "n_contacts": s["n_contacts"], "contact_time_ms": 1000.0 * s["contact_time_s_mean"],
        "contact_time_sd_ms": 1000.0 * s["contact_time_s_sd"], "step_time_ms": 1000.0 * s["step_time_s"],
        "cadence_spm": s["cadence_spm"], "knee": ref.knee, "knee_source": ref.knee_source,
        "knee_truth": ref.knee_truth.as_dict(),
        "static_trial": ref.static.source if ref.static is not None else None,
    }


def markdown_table(results: dict[str, dict]) -> str:
    """The results as a Markdown table, one row per rate."""
    cols = [("ic_error_ms_median", "IC |err| ms"), ("ic_bias_ms", "IC bias ms"), ("to_error_ms_median", "TO |err| ms"),
            ("to_bias_ms", "TO bias ms"), ("frame_ms", "1 frame ms"), ("contact_time_error_ms", "contact |err| ms"),
            ("cadence_error_pct", "cadence |err| %"), ("knee_ic_error_deg", "knee IC |err| °"),
            ("knee_peak_error_deg", "knee peak |err| °"), ("n_matched_ic", "IC matched"), ("n_reference", "ref contacts")]
    lines = ["| rate | " + " | ".join(title for _, title in cols) + " |",
             "|---|" + "---|" * len(cols)]
    for key, row in results.items():
        if "error" in row:
            lines.append(f"| {key} | analysis failed: {row['error']} |" + " |" * (len(cols) - 1))
            continue
        cells = [_fmt(row.get(c)) for c, _ in cols]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _fmt(value) -> str:
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = _float(value)
    return "–" if not np.isfinite(value) else f"{value:.1f}"
