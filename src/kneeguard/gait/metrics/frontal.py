"""Rear/front-view metrics: contralateral pelvic drop, knee FPPA, step width, crossover."""
from __future__ import annotations

import numpy as np

from kneeguard.findings import Severity
from kneeguard.gait import codes
from kneeguard.gait.metrics.band import Band, Message
from kneeguard.gait.metrics.base import StepContext, finite, metric

FRONTAL = ("rear", "front")

PELVIC_DROP_BAND = Band("gait.pelvic_drop.warn", "above", Message(
    codes.LARGE_PELVIC_DROP, Severity.MODERATE, "Your pelvis drops on the swing side",
    "Contralateral pelvic drop {shown}° (flag above {threshold}°). In injured runners this was the strongest "
    "single marker. Uncertainty {uncertainty} (2D, rear view)."))
KNEE_VALGUS_BAND = Band("gait.knee_fppa.warn", "above", Message(
    codes.KNEE_VALGUS, Severity.LOW, "Your knee moves inward in stance",
    "Knee frontal-plane projection angle {shown}° (screening flag above {threshold}°). 2D FPPA only moderately "
    "reflects 3D knee motion. Uncertainty {uncertainty}."))


@metric("pelvic_drop_deg", "deg", FRONTAL, uncertainty_key="gait.uncertainty.frontal_deg", band=PELVIC_DROP_BAND,
        flag_asymmetry=True, label="pelvic drop")
def pelvic_drop(ctx: StepContext) -> float | None:
    """Peak drop of the swing-side hip below the stance-side hip during stance (positive = drop)."""
    w = ctx.window("pelvis_obliquity", ctx.ic, ctx.to)  # positive = left hip lower
    if not w.size or not np.isfinite(w).all():
        return None
    drop = w if ctx.side == "right" else -w
    return finite(np.max(drop))


@metric("knee_fppa_deg", "deg", FRONTAL, uncertainty_key="gait.uncertainty.frontal_deg", band=KNEE_VALGUS_BAND,
        label="knee frontal-plane angle")
def knee_fppa(ctx: StepContext) -> float | None:
    """Knee frontal-plane projection angle at mid-stance (positive = knee medial / valgus)."""
    return ctx.angle(f"fppa_{ctx.side}", ctx.mid)


def _lateral_offset(ctx: StepContext, side: str, frame: float) -> float | None:
    """Ankle distance from the pelvis midline at a frame, positive toward its own side."""
    ankle = ctx.point(f"{side}_ankle", frame)[0]
    lh, rh = ctx.point("left_hip", frame)[0], ctx.point("right_hip", frame)[0]
    mid = 0.5 * (lh + rh)
    own = ctx.point(f"{side}_hip", frame)[0]
    return finite((ankle - mid) * np.sign(own - mid))


@metric("step_width_cm", "cm", FRONTAL, needs_scale=True, uncertainty_key="gait.uncertainty.frontal_deg",
        label="step width")
def step_width(ctx: StepContext) -> float | None:
    """Lateral distance between this foot at its IC and the other foot at its previous IC."""
    if ctx.prev_other_ic is None:
        return None
    a, b = _lateral_offset(ctx, ctx.side, ctx.ic), _lateral_offset(ctx, ctx.other, ctx.prev_other_ic)
    return None if a is None or b is None else ctx.to_cm(a + b)


@metric("crossover", "1 = foot lands across the midline", FRONTAL, label="crossover gait")
def crossover(ctx: StepContext) -> float | None:
    """1 when the foot lands on the other side of the pelvis midline, else 0."""
    off = _lateral_offset(ctx, ctx.side, ctx.ic)
    return None if off is None else float(off < 0)
