"""Temporal metrics: step time, cadence, contact, flight, duty factor."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kneeguard import evidence
from kneeguard.findings import Severity
from kneeguard.gait import codes
from kneeguard.gait.metrics.band import Band, Message
from kneeguard.gait.metrics.base import StepContext, finite, metric

ALL_VIEWS = ("side", "rear", "front")


def step_rate_targets(cadence: float) -> tuple[int, int]:
    """The step rates +low % and +high % above `cadence` (Heiderscheit 2011), from the cadence as the runner reads it
    (whole steps/min), so 168 and +5 % give 176 as their own sum would; the finding and the plan both use these."""
    low, high = evidence.value("gait.cadence.increase_pct")
    shown = round(cadence)
    return round(shown * (1 + low / 100)), round(shown * (1 + high / 100))


def _cadence_words(summary: Mapping[str, Any], cadence: float) -> dict[str, str]:
    """The running speed for context and the Heiderscheit 2011 step-rate advice for this cadence."""
    low, high = evidence.value("gait.cadence.increase_pct")
    speed = summary.get("speed_m_s")
    target, upper = step_rate_targets(cadence)
    return {
        "speed": f" at {speed:.1f} m/s" if speed else "",
        "advice": f"If you want to try it, raise your step rate by {low}-{high} % (to about "
                  f"{target}-{upper} steps/min): "
                  f"+{low} % lowered knee energy absorption and +{high} % also shortened the step and reduced peak "
                  "knee flexion (Heiderscheit 2011).",
    }


CADENCE_BAND = Band(
    "gait.cadence.low", "below",
    Message(codes.LOW_CADENCE, Severity.LOW, "Your step rate is on the low side",
            "Cadence {shown} steps/min{speed}, below the usual {threshold}+ of recreational runners (this "
            "depends on speed and leg length, so compare with your own baseline). {advice}",
            also_cite=("gait.cadence.increase_pct",)),
    within=Message(codes.CADENCE, Severity.INFO, "Cadence {shown} steps/min{speed}",
                   "Your step rate is within the usual range for recreational runners. {advice}",
                   cite="gait.cadence.increase_pct"),
    words=_cadence_words,
)
CONTACT_TIME_BAND = Band(
    "gait.contact_time.band", "outside",
    Message(codes.CONTACT_TIME, Severity.INFO, "Ground contact time outside the usual range",
            "Contact time {shown} ms (usual {low}-{high} ms). At {fps:.0f} fps one frame is {frame_ms:.0f} ms, "
            "so check the frame rate before reading much into this."),
    min_fps_rule="gait.capture.contact_fps",
)


@metric("step_time_s", "s", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames", label="step time")
def step_time(ctx: StepContext) -> float | None:
    """IC to the next contralateral IC."""
    return None if ctx.next_ic is None else finite((ctx.next_ic - ctx.ic) / ctx.fps)


@metric("cadence_spm", "steps/min", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames", band=CADENCE_BAND,
        label="cadence")
def cadence(ctx: StepContext) -> float | None:
    """60 / step time."""
    t = step_time(ctx)
    return 60.0 / t if t else None


@metric("contact_time_ms", "ms", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames",
        band=CONTACT_TIME_BAND, flag_asymmetry=True, label="ground contact time")
def contact_time(ctx: StepContext) -> float | None:
    """IC to TO of the same foot."""
    return finite((ctx.to - ctx.ic) / ctx.fps * 1000)


@metric("flight_time_ms", "ms", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames", label="flight time")
def flight_time(ctx: StepContext) -> float | None:
    """TO to the next contralateral IC (negative would mean double support: walking)."""
    return None if ctx.next_ic is None else finite((ctx.next_ic - ctx.to) / ctx.fps * 1000)


@metric("duty_factor", "fraction of stride", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames",
        label="duty factor")
def duty_factor(ctx: StepContext) -> float | None:
    """Contact time / stride time (same-foot IC to IC); below 0.5 in running."""
    if ctx.next_same_ic is None:
        return None
    return finite((ctx.to - ctx.ic) / (ctx.next_same_ic - ctx.ic))
