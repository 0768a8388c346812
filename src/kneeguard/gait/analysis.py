"""`analyze_gait`: keypoints → cleaned signals → events → per-step metrics → Findings, in one call.

Steps (each callable alone): check_input → detect_view → clean_series (signals)
→ running_direction / sagittal_angles or frontal_angles (angles) → detect_events
(events) → step_table / summarise (metrics) → check_running → gait_findings.
A clip that cannot give a trustworthy running analysis raises GaitError.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.findings import Finding, sort_findings
from kneeguard.gait import angles as gait_angles
from kneeguard.gait.cadence import spectral_cadence
from kneeguard.gait.events import DEFAULT_EVENT_PARAMETERS, EventParameters, detect_events
from kneeguard.gait.findings import gait_findings
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.metrics import REGISTRY, step_table, summarise
from kneeguard.gait.metrics.plausible import EXCLUDED, mark_implausible, plausible
from kneeguard.gait.quality import QualityScore, clip_quality
from kneeguard.gait.signals import CleaningInfo, clean_series, leg_length_px, metres_per_unit
from kneeguard.jsonable import frame_records, plain

VIEWS = ("side", "rear", "front")
MIN_FRAMES_S = 2.0  # fewer seconds than this cannot hold 4 running steps
MIN_LEG_PRESENT = 0.5  # fraction of frames with hip, knee and ankle on at least one side
SIDE_WIDTH_RATIO = 0.45  # shoulder/hip width below this share of thigh length means a side view
CADENCE_AGREEMENT = 0.03  # relative difference between the two cadence estimates worth a warning
HEADLINE = ("cadence_spm", "contact_time_ms", "flight_time_ms", "duty_factor", "knee_flexion_ic_deg",
            "peak_knee_flexion_deg", "shank_angle_ic_deg", "overstride_cm", "overstride_pct_leg",
            "hip_extension_to_deg", "foot_strike_angle_deg", "trunk_lean_deg", "vertical_oscillation_cm",
            "vertical_ratio_pct", "step_time_s", "pelvic_drop_deg", "knee_fppa_deg", "step_width_cm", "crossover")


@dataclass
class GaitReport:
    """Everything the gait analysis found for one clip."""

    series: KeypointSeries  # cleaned keypoints
    view: str
    direction: int  # +1 runner faces image-right, -1 image-left (side view)
    events: pd.DataFrame
    steps: pd.DataFrame
    angles: pd.DataFrame
    summary: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cleaning: CleaningInfo | None = None

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        """JSON-friendly dict; `series=False` leaves out the per-frame angles."""
        out = {
            "view": self.view,
            "direction": self.direction,
            "summary": plain(self.summary),
            "findings": [f.to_dict() for f in self.findings],
            "warnings": list(self.warnings),
            "events": frame_records(self.events),
            "steps": frame_records(self.steps),
        }
        if series:
            out["angles"] = frame_records(self.angles)
        return out


def check_input(series: KeypointSeries) -> list[str]:
    """GaitError for inputs no analysis can use; warnings for weak ones."""
    min_fps, good_fps = evidence.value("gait.capture.min_fps"), evidence.value("gait.capture.contact_fps")
    if series.fps < min_fps:
        raise GaitError(f"frame rate {series.fps:g} fps is too low for running analysis (need at least {min_fps} fps; "
                        f"{good_fps}+ recommended, slow motion is best)")
    if series.n_frames < MIN_FRAMES_S * series.fps:
        raise GaitError(f"clip too short: {series.n_frames / series.fps:.1f} s; record at least 5-10 s of steady running")
    present = np.zeros(series.n_frames, dtype=bool)
    for side in ("left", "right"):
        pts = np.stack([series.point(f"{side}_{p}") for p in ("hip", "knee", "ankle")], axis=1)
        present |= np.isfinite(pts).all(axis=(1, 2))
    if present.mean() < MIN_LEG_PRESENT:
        raise GaitError(f"no runner found: hips, knees and ankles are visible in only {present.mean():.0%} of frames")
    warnings = []
    if series.fps < good_fps:
        warnings.append(f"{series.fps:g} fps: contact time, flight time and duty factor are only good to ±1 frame "
                        f"(±{1000 / series.fps:.0f} ms); film at {good_fps} fps or more (slow motion) for these")
    return warnings


def detect_view(series: KeypointSeries) -> str:
    """'side', 'rear' or 'front' from shoulder/hip widths relative to thigh length and where the nose is."""
    def width(part: str) -> np.ndarray:
        return np.abs(series.point(f"left_{part}")[:, 0] - series.point(f"right_{part}")[:, 0])

    thigh = np.nanmedian(np.concatenate([
        np.linalg.norm(series.point(f"{s}_hip") - series.point(f"{s}_knee"), axis=1) for s in ("left", "right")]))
    widths = [np.nanmedian(width(p)) for p in ("shoulder", "hip") if np.isfinite(width(p)).any()]
    if not widths or not np.isfinite(thigh) or thigh <= 0:
        return "side"
    if np.mean(widths) / thigh < SIDE_WIDTH_RATIO:
        return "side"
    # camera behind: the runner's left is on the image left and the face is hidden
    lx = series.point("left_shoulder")[:, 0] - series.point("right_shoulder")[:, 0]
    nose_seen = series.has("nose") and float(np.nanmedian(series.visibility[:, series.names.index("nose")])) > 0.5
    return "front" if np.nanmedian(lx) > 0 or (nose_seen and not np.isfinite(lx).any()) else "rear"


def running_speed(series: KeypointSeries, events: pd.DataFrame, direction: int) -> float | None:
    """Speed in image units/s: stance foot moving backward relative to the hip (treadmill belt or overground)."""
    speeds = []
    for row in events[events["valid"]].itertuples():
        a, b = int(np.ceil(row.ic_frame)), int(np.floor(row.to_frame))
        if b - a < 2:
            continue
        rel = series.point(f"{row.side}_hip")[a:b + 1, 0] - series.point(f"{row.side}_ankle")[a:b + 1, 0]
        v = np.diff(rel) * series.fps * direction
        if np.isfinite(v).any():
            speeds.append(np.nanmedian(v))
    return float(np.median(speeds)) if speeds and np.median(speeds) > 0 else None


def check_running(summary: dict[str, Any], n_steps: int) -> list[str]:
    """GaitError when the clip is not running or has too few steps; warnings for few steps."""
    min_steps, stable = evidence.value("gait.capture.min_steps"), evidence.value("gait.capture.stable_steps")
    if n_steps < min_steps:
        raise GaitError(f"only {n_steps} steps detected; need at least {min_steps} (ideally {stable}+) running steps")
    duty, cadence = summary.get("duty_factor"), summary.get("cadence_spm")
    max_duty, min_cad = evidence.value("gait.running.max_duty_factor"), evidence.value("gait.running.min_cadence")
    if duty is not None and duty >= max_duty:
        raise GaitError(f"this does not look like running: feet are on the ground {duty:.0%} of the stride "
                        f"(no flight phase; running is below {max_duty:.0%}). Is it walking?")
    if cadence is not None and cadence < min_cad:
        raise GaitError(f"this does not look like running: {cadence:.0f} steps/min is below {min_cad}")
    return [f"only {n_steps} steps: averages need at least {stable} steps to be stable"] if n_steps < stable else []


def clip_quality_of(series: KeypointSeries, info: CleaningInfo, steps: pd.DataFrame, n_events: int,
                    view: str) -> QualityScore:
    """The clip's quality score (quality.clip_quality) from the cleaned keypoints and the plausible steps."""
    from kneeguard.gait.capture.guide import median_body_height

    runner_px = hip_gap = None
    if series.units == "px":
        runner_px = median_body_height(series) or None
        gap = np.abs(series.point("left_hip")[:, 0] - series.point("right_hip")[:, 0])
        if runner_px and np.isfinite(gap).any():
            hip_gap = float(np.nanmedian(gap)) / runner_px
    times = steps["step_time_s"].to_numpy(float) if "step_time_s" in steps else np.array([])
    return clip_quality(missing_after=info.missing_after, swapped_frames=info.swapped_frames, step_times_s=times,
                        n_steps=len(steps), n_contacts=n_events, fps=series.fps, view=view,
                        hip_gap_share=hip_gap, runner_px=runner_px)


def _uncertainty(names: list[str], fps: float) -> dict[str, str]:
    out = {}
    for name in names:
        key = REGISTRY[name].uncertainty_key if name in REGISTRY else None
        if key is None:
            continue
        r = evidence.rule(key)
        if r.unit == "frames":
            ms = 1000 * r.value / fps
            out[name] = f"±{r.value} frame (±{ms:.0f} ms)" if name != "cadence_spm" else "±1 %"
        else:
            out[name] = f"±{r.value} {r.unit.split(' ')[0]}"
    return out


def clip_summary(view: str, steps: pd.DataFrame, stats: dict, quality: QualityScore, fps: float,
                 speed_m_s: float | None) -> dict[str, Any]:
    """The analysis' metric block (`GaitReport.summary`): headline medians, per side, asymmetry, quality."""
    overall = stats["overall"]
    summary: dict[str, Any] = {"view": view, "n_steps": int(len(steps)), "fps": fps}
    for name in HEADLINE:
        if name in overall:
            summary[name] = overall[name]
    summary["foot_strike"] = foot_strike_class(overall.get("foot_strike_angle_deg"))
    summary["speed_m_s"] = speed_m_s
    summary["left"], summary["right"] = stats["left"], stats["right"]
    for side in ("left", "right"):
        summary[side]["foot_strike"] = foot_strike_class(stats[side].get("foot_strike_angle_deg"))
    summary["asymmetry_pct"] = stats["asymmetry_pct"]
    summary["quality"] = quality.score
    summary["quality_detail"] = quality.to_dict()  # GaitSummary reads it back as a QualityScore
    summary["uncertainty"] = _uncertainty([n for n in overall], fps)
    return summary


def foot_strike_class(angle: float | None) -> str | None:
    """Altman & Davis 2012 classes from the strike angle (relative to the flat-foot reference)."""
    if angle is None:
        return None
    if angle > evidence.value("gait.foot_strike.rearfoot"):
        return "rearfoot"
    return "forefoot" if angle < evidence.value("gait.foot_strike.forefoot") else "midfoot"


def _missing_warnings(summary: dict, view: str, has_scale: bool) -> list[str]:
    notes = []
    if not has_scale:
        notes.append("no runner height given: distances in cm (overstride, vertical oscillation, step width) are "
                      "not computed; pass height_cm")
    skip = {"overstride_cm", "vertical_oscillation_cm", "step_width_cm"} if not has_scale else set()
    missing = [n for n in HEADLINE if n in REGISTRY and view in REGISTRY[n].views and summary.get(n) is None
               and n not in skip]
    if missing:
        notes.append("could not compute: " + ", ".join(missing) + " (keypoints missing at the events)")
    return notes


def _settle_cadence(summary: dict[str, Any], from_bounce: float | None) -> list[str]:
    """Prefer the bounce-spectrum cadence; keep the step-count one beside it and say when they disagree."""
    from_steps = summary.get("cadence_spm")
    summary["cadence_from_steps_spm"] = from_steps
    summary["cadence_from_bounce_spm"] = from_bounce
    if from_bounce is None:
        return []
    summary["cadence_spm"] = from_bounce
    if from_steps and abs(from_steps - from_bounce) / from_bounce > CADENCE_AGREEMENT:
        return [f"cadence from detected steps ({from_steps:.0f}/min) differs from the bounce rhythm "
                f"({from_bounce:.0f}/min): some steps were probably missed; step-based metrics are less certain"]
    return []


def analyze_gait(series: KeypointSeries, *, view: str | None = None, height_cm: float | None = None,
                 treadmill: bool | None = None,
                 event_parameters: EventParameters = DEFAULT_EVENT_PARAMETERS) -> GaitReport:
    """Run the whole gait analysis on one clip's keypoints.

    `view` is 'side', 'rear' or 'front' (detected when None); `height_cm` gives
    distances in cm; `treadmill` is recorded for context (speed is estimated
    from the stance foot either way); `event_parameters` are the contact-detection
    thresholds (validation may try others).
    """
    warnings = check_input(series)
    view = view or series.meta.get("view") or detect_view(series)
    if view not in VIEWS:
        raise GaitError(f"unknown view {view!r}; use one of {VIEWS}")
    cleaned, info = clean_series(series, fix_swaps=view == "side")
    if view == "side":
        direction = gait_angles.running_direction(cleaned)
        angle_table = gait_angles.sagittal_angles(cleaned, direction)
    else:
        direction = 0
        angle_table = gait_angles.frontal_angles(cleaned)
    events = detect_events(cleaned, event_parameters, info.noise_px, info.cutoff_hz)
    scale = metres_per_unit(cleaned, height_cm)
    leg = leg_length_px(cleaned)
    speed = running_speed(cleaned, events, direction) if view == "side" else None
    steps = mark_implausible(step_table(cleaned, events, angle_table, view=view, direction=direction or 1,
                                        metres_per_unit=scale, leg_length=leg, speed=speed))
    used = plausible(steps)  # implausible steps stay in the table, marked, and out of every summary
    stats = summarise(used)
    warnings += check_running(stats["overall"], len(used))
    speed_m_s = speed * scale if speed and scale else None
    quality = clip_quality_of(cleaned, info, used, len(events), view)
    summary = clip_summary(view, used, stats, quality, series.fps, speed_m_s)
    if len(used) < len(steps):
        warnings.append(f"{len(steps) - len(used)} implausible step(s) left out of the medians (marked in the step "
                        "table: " + "; ".join(sorted(set(steps.loc[~steps.index.isin(used.index), EXCLUDED]))) + ")")
    summary["treadmill"] = treadmill if treadmill is not None else series.meta.get("treadmill")
    warnings += _settle_cadence(summary, spectral_cadence(cleaned))
    n_swapped = int(info.swapped_frames.sum())
    if n_swapped:
        warnings.append(f"left/right leg labels were swapped by the pose model in {n_swapped} frames; corrected")
    n_collapsed = int(np.asarray(getattr(info, "collapsed_frames", [])).sum())
    if n_collapsed:
        warnings.append(f"in {n_collapsed} frames the pose model drew the hidden leg on top of the visible one; "
                        "those points were dropped and bridged")
    if view == "side":
        warnings.append("foot-strike angle uses mid-stance as the flat-foot reference (no standing frame)")
    warnings += _missing_warnings(summary, view, scale is not None)
    findings = sort_findings(gait_findings(summary, view))
    return GaitReport(cleaned, view, direction, events, steps, angle_table, summary, findings, warnings, info)
