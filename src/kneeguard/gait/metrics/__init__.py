"""Gait metrics: a registry of per-step definitions (one small function each).

Importing this package registers every metric; `REGISTRY` maps name → Metric.
"""
from kneeguard.gait.metrics import frontal, sagittal, temporal  # noqa: F401  (registers the metrics)
from kneeguard.gait.metrics.base import REGISTRY, Metric, StepContext, metric
from kneeguard.gait.metrics.table import cadence_from_steps, step_table, summarise, symmetry_index

__all__ = ["REGISTRY", "Metric", "StepContext", "metric", "step_table", "summarise", "symmetry_index",
           "cadence_from_steps"]
