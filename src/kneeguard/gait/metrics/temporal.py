"""Temporal metrics: step time, cadence, contact, flight, duty factor."""
from __future__ import annotations

from kneeguard.gait.metrics.base import StepContext, finite, metric

ALL_VIEWS = ("side", "rear", "front")


@metric("step_time_s", "s", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames")
def step_time(ctx: StepContext) -> float | None:
    """IC to the next contralateral IC."""
    return None if ctx.next_ic is None else finite((ctx.next_ic - ctx.ic) / ctx.fps)


@metric("cadence_spm", "steps/min", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames")
def cadence(ctx: StepContext) -> float | None:
    """60 / step time."""
    t = step_time(ctx)
    return 60.0 / t if t else None


@metric("contact_time_ms", "ms", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames")
def contact_time(ctx: StepContext) -> float | None:
    """IC to TO of the same foot."""
    return finite((ctx.to - ctx.ic) / ctx.fps * 1000)


@metric("flight_time_ms", "ms", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames")
def flight_time(ctx: StepContext) -> float | None:
    """TO to the next contralateral IC (negative would mean double support: walking)."""
    return None if ctx.next_ic is None else finite((ctx.next_ic - ctx.to) / ctx.fps * 1000)


@metric("duty_factor", "fraction of stride", ALL_VIEWS, uncertainty_key="gait.uncertainty.event_frames")
def duty_factor(ctx: StepContext) -> float | None:
    """Contact time / stride time (same-foot IC to IC); below 0.5 in running."""
    if ctx.next_same_ic is None:
        return None
    return finite((ctx.to - ctx.ic) / (ctx.next_same_ic - ctx.ic))
