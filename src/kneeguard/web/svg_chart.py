"""Small charts as inline SVG, drawn on the server: bars, dots and lines with a hover text each.

Every mark carries a `<title>` (the browser shows it on hover, screen readers read it), and
`static/kneeguard.js` mirrors the hovered or tapped mark in a line under the chart, so the
values are reachable on touch screens too. No plotting library and no script is needed to
see the chart. Geometry is computed here; `templates/_svg_chart.html` only writes it out.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 12, 34  # room for the axes' labels


@dataclass
class Mark:
    shape: str  # "rect" | "circle"
    x: float
    y: float
    tip: str
    css: str = ""
    w: float = 0.0
    h: float = 0.0
    r: float = 3.5
    fill: str = ""  # a colour that carries meaning (a band), else the css class decides


@dataclass
class Line:
    points: str  # SVG polyline points
    css: str
    label: str


@dataclass
class SvgChart:
    chart_id: str
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)  # (y px, label) on the left axis
    y2_ticks: list[tuple[float, str]] = field(default_factory=list)  # right axis, when a second scale is drawn
    x_labels: list[tuple[float, str]] = field(default_factory=list)  # (x px, label) under the plot
    y_label: str = ""
    y2_label: str = ""
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (css class, label, swatch colour or "")

    @property
    def plot_left(self) -> float:
        return LEFT

    @property
    def plot_right(self) -> float:
        return self.width - RIGHT

    @property
    def plot_top(self) -> float:
        return TOP

    @property
    def plot_bottom(self) -> float:
        return self.height - BOTTOM


class Scale:
    """Linear map from data values to pixels (y grows downwards in SVG)."""

    def __init__(self, lo: float, hi: float, px_lo: float, px_hi: float) -> None:
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            lo, hi = (lo, lo + 1.0) if math.isfinite(lo) else (0.0, 1.0)
        self.lo, self.hi, self.px_lo, self.px_hi = lo, hi, px_lo, px_hi

    def __call__(self, value: float) -> float:
        return self.px_lo + (value - self.lo) / (self.hi - self.lo) * (self.px_hi - self.px_lo)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (1, 2 or 5 times a power of ten apart)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, value = [], first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def padded_range(values: list[float], *, include_zero: bool = False, pad: float = 0.08) -> tuple[float, float]:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if include_zero:
        lo = min(lo, 0.0)
    span = (hi - lo) or max(abs(hi), 1.0)
    return (lo if include_zero and lo == 0 else lo - pad * span), hi + pad * span


def tick_label(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e5 else f"{value:.0f}"


def points(xs: list[float], ys: list[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))
