"""A metric's evidence band: when its clip median is flagged, and the Finding that says so.

A band is data on its `Metric` (GaitLab style: one definition per metric with
its band). Thresholds are evidence-registry keys, read when a clip is judged,
never copied here. `kneeguard.gait.findings` turns every band into Findings
with one generic function.

Titles and explanations are `str.format` templates. They may use
`{value}` (the clip median), `{shown}` (the median rounded so that, in print, it
stays on its own side of every limit), `{threshold}` (the limit crossed),
`{low}`/`{high}` (a two-sided band), `{uncertainty}` (the metric's 2D-pose uncertainty, e.g.
"±5 deg"), `{fps}`, `{frame_ms}`, `{note}` (the escalation note, else empty)
and whatever the band's `words` hook adds.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from kneeguard.codes import FindingCode
from kneeguard.findings import Severity

Direction = Literal["above", "below", "outside"]


@dataclass(frozen=True)
class Message:
    """One Finding's wording: its code, severity and templates, and what it cites."""

    code: FindingCode  # declared in kneeguard.gait.codes
    severity: Severity
    title: str
    explanation: str
    cite: str | None = None  # registry key given as the Finding's rule; None: the band's threshold rule
    also_cite: tuple[str, ...] = ()  # registry keys whose citations are added


@dataclass(frozen=True)
class Escalation:
    """A higher severity when `metric` (None: the band's own) is above the registry value `rule`."""

    rule: str
    severity: Severity
    metric: str | None = None
    note: str = ""  # fills `{note}` in the explanation when escalated


@dataclass(frozen=True)
class Band:
    """When a metric is out of its band, and the Finding for it.

    `rule` holds one limit ("above"/"below", exclusive) or a [low, high] pair
    ("outside": flagged below low or above high). `out_low` words the low side of
    an "outside" band when it differs; `within` is a Finding raised when the value
    is inside the band (cadence reports its value either way).
    """

    rule: str
    direction: Direction
    out: Message
    out_low: Message | None = None
    within: Message | None = None
    escalate: Escalation | None = None
    min_fps_rule: str | None = None  # no finding when the clip's frame rate is below this registry value
    words: Callable[[Mapping[str, Any], float], dict[str, str]] | None = None  # extra template values

    def crossed(self, value: float, limit: float | list[float]) -> tuple[Direction, float] | None:
        """Which side of the band `value` is on and the limit it crossed; None inside the band."""
        if self.direction == "above":
            return ("above", limit) if value > limit else None
        if self.direction == "below":
            return ("below", limit) if value < limit else None
        low, high = limit
        if value > high:
            return "above", high
        return ("below", low) if value < low else None

    def message(self, side: Direction) -> Message:
        return self.out_low if side == "below" and self.out_low is not None else self.out
