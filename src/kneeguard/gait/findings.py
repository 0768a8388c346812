"""Turning gait metric summaries into Findings a runner can read.

Each metric that can raise a Finding carries its evidence band as data
(`Metric.band`, defined beside the metric in `gait/metrics/`); one generic
function here judges every band. Thresholds come from the evidence registry
(`gait.*` rules) and every finding states the measurement uncertainty of 2D
pose. Posterior-knee focus: overstride, shank angle and knee flexion at
contact and cadence lead.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kneeguard import evidence
from kneeguard.findings import Finding, Severity, make_finding, mark_uncertain
from kneeguard.numbers import shown_value
from kneeguard.gait import codes
from kneeguard.gait.metrics import REGISTRY, Metric
from kneeguard.gait.metrics.band import Band, Message
from kneeguard.gait.quality import gate_findings


def uncertainty_text(key: str | None) -> str:
    """'±5 deg' from an uncertainty rule of the registry ('' without one)."""
    if key is None:
        return ""
    r = evidence.rule(key)
    return f"±{r.value} {r.unit.split(' ')[0]}"


def measurement_error(metric: Metric) -> float | None:
    """The metric's measurement uncertainty in its own unit (None without one, or in another unit: frames)."""
    if metric.uncertainty_key is None:
        return None
    r = evidence.rule(metric.uncertainty_key)
    return float(r.value) if r.unit == metric.unit else None


def borderline_reason(metric: Metric, value: float, bound: float) -> str | None:
    """Why a flag is uncertain when the value lies within the measurement error of the limit it crossed."""
    error = measurement_error(metric)
    if error is None or abs(value - bound) >= error:
        return None
    unit = "°" if metric.unit == "deg" else f" {metric.unit}"
    return (f"borderline: {shown_value(value, [bound])}{unit} vs the {bound:g}{unit} flag, within the "
            f"{uncertainty_text(metric.uncertainty_key)} 2D-video error; film again or measure in a gait lab")


def band_finding(metric: Metric, summary: Mapping[str, Any]) -> Finding | None:
    """The Finding `metric.band` raises for the clip median in `summary`, or None."""
    band = metric.band
    value = summary.get(metric.name)
    if band is None or value is None:
        return None
    fps = summary.get("fps")
    if band.min_fps_rule is not None and (fps is None or fps < evidence.value(band.min_fps_rule)):
        return None
    limit = evidence.value(band.rule)
    crossed = band.crossed(value, limit)
    if crossed is None:
        return None if band.within is None else _finding(metric, band, band.within, value, limit, summary)
    side, bound = crossed
    borderline = borderline_reason(metric, value, bound)
    found = _finding(metric, band, band.message(side), value, bound, summary, escalate=borderline is None)
    return mark_uncertain([found], borderline)[0] if borderline else found


def _escalated(band: Band, metric: Metric, summary: Mapping[str, Any]) -> bool:
    up = band.escalate
    if up is None:
        return False
    other = summary.get(up.metric or metric.name)
    return other is not None and other > evidence.value(up.rule)


def _finding(metric: Metric, band: Band, message: Message, value: float, threshold: float,
             summary: Mapping[str, Any], *, escalate: bool = False) -> Finding:
    escalated = escalate and _escalated(band, metric, summary)
    fps = summary.get("fps")
    words: dict[str, Any] = {
        "value": value, "threshold": threshold, "uncertainty": uncertainty_text(metric.uncertainty_key),
        "fps": fps, "frame_ms": 1000 / fps if fps else None, "note": band.escalate.note if escalated else "",
    }
    limits = [threshold]
    if band.direction == "outside":
        words["low"], words["high"] = evidence.value(band.rule)
        limits = [words["low"], words["high"]]
    words["shown"] = shown_value(value, limits)
    if band.words is not None:
        words.update(band.words(summary, value))
    return make_finding(
        message.code, band.escalate.severity if escalated else message.severity,
        message.title.format(**words), message.explanation.format(**words),
        measured=value, threshold=threshold, unit=metric.unit, rule=message.cite or band.rule,
        extra_citations=tuple(c for key in message.also_cite for c in evidence.rule(key).citations),
    )


def asymmetry(asym: Mapping[str, float | None], view: str) -> list[Finding]:
    """One Finding per flagged metric whose left/right symmetry index is above `gait.asymmetry.warn_pct`."""
    limit = evidence.value("gait.asymmetry.warn_pct")
    out = []
    for name, label in ((m.name, m.label) for m in REGISTRY.values() if m.flag_asymmetry):
        si = asym.get(name)
        if si is None or si <= limit:
            continue
        out.append(make_finding(
            codes.ASYMMETRY, Severity.INFO, f"Left/right difference in {label}",
            f"Symmetry index {si:.0f} % (flag above {limit} %). "
            + ("Low confidence: from one side camera the far leg is tracked less accurately. " if view == "side"
               else ""),
            measured=si, threshold=limit, unit="%", rule="gait.asymmetry.warn_pct",
            details={"metric": name, "confidence": "low" if view == "side" else "moderate"},
        ))
    return out


def gait_findings(summary: Mapping[str, Any], view: str) -> list[Finding]:
    """All gait findings for one analysed clip (`summary` = GaitReport.summary, with its fps, speed, quality and
    step count); a doubtful clip's findings are marked uncertain."""
    found = [band_finding(m, summary) for m in REGISTRY.values() if m.band is not None]
    found = [f for f in found if f is not None] + asymmetry(summary.get("asymmetry_pct") or {}, view)
    return gate_findings(found, summary.get("quality"), summary.get("n_steps"))
