"""Side-view metrics: landing geometry, knee and hip angles, foot strike, trunk, bounce."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kneeguard.findings import Severity
from kneeguard.gait import codes
from kneeguard.gait.metrics.band import Band, Escalation, Message
from kneeguard.gait.metrics.base import StepContext, finite, metric
from kneeguard.numbers import mean_of_present


def _overstride_in_cm(summary: Mapping[str, Any], value: float) -> dict[str, str]:
    cm = summary.get("overstride_cm")
    return {"where": f" ({cm:.0f} cm)" if cm is not None else ""}


OVERSTRIDE_BAND = Band(
    "gait.overstride.warn_pct_leg", "above",
    Message(codes.OVERSTRIDE, Severity.LOW, "Your foot lands well ahead of your hip",
            "At contact your heel is {shown} % of your leg length{where} ahead of your hip (flag above "
            "{threshold} %). Landing far ahead of the body raises braking and knee loading. A slightly higher step "
            "rate brings the foot closer to the hip. Uncertainty {uncertainty} of leg length (2D pose).",
            also_cite=("gait.cadence.increase_pct",)),
    escalate=Escalation("gait.overstride.high_pct_leg", Severity.MODERATE),
    words=_overstride_in_cm,
)
EXTENDED_KNEE_BAND = Band(
    "gait.knee_ic.extended", "below",
    Message(codes.EXTENDED_KNEE_LANDING, Severity.LOW, "You land with a nearly straight knee",
            "Knee flexion at contact is {shown}° (typical about 10-20°; flag below {threshold}°). "
            "{note}Uncertainty {uncertainty} (2D pose)."),
    escalate=Escalation("gait.overstride.warn_pct_leg", Severity.MODERATE, metric="overstride_pct_leg",
                        note="Together with overstriding this is the 'straight-leg reach' landing that strains the "
                             "back of the knee. "),
)
SHANK_ANGLE_BAND = Band("gait.shank_angle_ic.warn", "above", Message(
    codes.SHANK_ANGLE, Severity.LOW, "Your shin is tilted forward at landing",
    "At contact your ankle is ahead of your knee: shank angle {shown}° from vertical (heuristic flag above "
    "{threshold}°). A near-vertical shin at landing is the usual target. Uncertainty {uncertainty}."))
TRUNK_LEAN_BAND = Band(
    "gait.trunk_lean.band", "outside",
    Message(codes.TRUNK_LEAN, Severity.LOW, "More forward trunk lean than usual",
            "Trunk lean at mid-stance is {shown}° (band {low}-{high}°). More forward lean was seen in injured "
            "runners and shifts load to the hip. Uncertainty {uncertainty}."),
    out_low=Message(codes.TRUNK_LEAN, Severity.LOW, "Very upright trunk",
                    "Trunk lean at mid-stance is {shown}° (band {low}-{high}°). An upright trunk puts "
                    "relatively more demand on the knee. Uncertainty {uncertainty}."),
)


def _overstride_units(ctx: StepContext) -> float | None:
    foot = "heel" if ctx.series.has(f"{ctx.side}_heel") else "ankle"
    d = ctx.point(f"{ctx.side}_{foot}", ctx.ic) - ctx.point(f"{ctx.side}_hip", ctx.ic)
    return finite(ctx.forward(d[0]))


@metric("overstride_cm", "cm", needs_scale=True, uncertainty_key="gait.uncertainty.overstride_pct_leg",
        label="overstride distance")
def overstride_cm(ctx: StepContext) -> float | None:
    """Heel (else ankle) horizontally ahead of the same-side hip keypoint at IC."""
    return ctx.to_cm(_overstride_units(ctx))


@metric("overstride_pct_leg", "% leg length", uncertainty_key="gait.uncertainty.overstride_pct_leg",
        band=OVERSTRIDE_BAND, flag_asymmetry=True, label="overstride (share of leg length)")
def overstride_pct(ctx: StepContext) -> float | None:
    """Overstride as a percentage of hip-knee-ankle length."""
    d = _overstride_units(ctx)
    return None if d is None or not ctx.leg_length else 100.0 * d / ctx.leg_length


@metric("shank_angle_ic_deg", "deg", uncertainty_key="gait.uncertainty.knee_deg", band=SHANK_ANGLE_BAND,
        label="shank angle at landing")
def shank_ic(ctx: StepContext) -> float | None:
    """Knee→ankle from vertical at IC; positive = ankle ahead of knee."""
    return ctx.angle(f"shank_{ctx.side}", ctx.ic)


@metric("knee_flexion_ic_deg", "deg", uncertainty_key="gait.uncertainty.knee_deg", band=EXTENDED_KNEE_BAND,
        flag_asymmetry=True, label="knee bend at landing")
def knee_ic(ctx: StepContext) -> float | None:
    """180° − hip-knee-ankle angle at IC."""
    return ctx.angle(f"knee_{ctx.side}", ctx.ic)


@metric("peak_knee_flexion_deg", "deg", uncertainty_key="gait.uncertainty.knee_deg", flag_asymmetry=True,
        label="peak knee bend")
def peak_knee(ctx: StepContext) -> float | None:
    """Largest knee flexion between IC and TO."""
    w = ctx.window(f"knee_{ctx.side}", ctx.ic, ctx.to)
    return finite(np.max(w)) if w.size and np.isfinite(w).all() else None


@metric("hip_extension_to_deg", "deg", uncertainty_key="gait.uncertainty.hip_deg", label="hip extension at toe-off")
def hip_ext_to(ctx: StepContext) -> float | None:
    """Thigh behind the trunk line at TO (positive = extension)."""
    v = ctx.angle(f"hip_{ctx.side}", ctx.to)
    return None if v is None else -v


@metric("foot_strike_angle_deg", "deg", uncertainty_key="gait.uncertainty.ankle_deg", label="foot strike angle")
def foot_strike(ctx: StepContext) -> float | None:
    """Foot (heel→toe) angle at IC minus the mid-stance foot angle (the flat-foot reference).

    No standing trial is available from a running clip, so mid-stance stands in
    for the standing foot angle of Altman & Davis 2012.
    """
    ic, ref = ctx.angle(f"foot_{ctx.side}", ctx.ic), ctx.angle(f"foot_{ctx.side}", ctx.mid)
    return None if ic is None or ref is None else ic - ref


@metric("trunk_lean_deg", "deg", bilateral=False, uncertainty_key="gait.uncertainty.trunk_deg",
        band=TRUNK_LEAN_BAND, label="trunk lean")
def trunk(ctx: StepContext) -> float | None:
    """Mid-hip→mid-shoulder from vertical at mid-stance; positive = forward."""
    return ctx.angle("trunk", ctx.mid)


def _bounce_units(ctx: StepContext) -> float | None:
    if ctx.next_ic is None:
        return None
    y = ctx.cache.get("hip_mid_y")
    if y is None:
        pts = np.stack([ctx.series.point("left_hip")[:, 1], ctx.series.point("right_hip")[:, 1]])
        y = ctx.cache["hip_mid_y"] = mean_of_present(pts, axis=0)
    w = y[int(np.floor(ctx.ic)):int(np.ceil(ctx.next_ic)) + 1]
    return finite(np.ptp(w)) if w.size and np.isfinite(w).all() else None


@metric("vertical_oscillation_cm", "cm", needs_scale=True, bilateral=False,
        uncertainty_key="gait.uncertainty.vertical_oscillation_cm", label="vertical oscillation")
def vertical_oscillation(ctx: StepContext) -> float | None:
    """Peak-to-peak vertical travel of the mid-hip over the step (COM proxy)."""
    return ctx.to_cm(_bounce_units(ctx))


@metric("vertical_ratio_pct", "% step length", bilateral=False,
        uncertainty_key="gait.uncertainty.vertical_oscillation_cm", label="vertical ratio")
def vertical_ratio(ctx: StepContext) -> float | None:
    """Vertical oscillation / step length (speed × step time); both in image units."""
    bounce = _bounce_units(ctx)
    if bounce is None or not ctx.speed or ctx.next_ic is None:
        return None
    return 100.0 * bounce / (ctx.speed * (ctx.next_ic - ctx.ic) / ctx.fps)
