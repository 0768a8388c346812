"""Small interactive charts whose x-axis is a count (weeks, steps), drawn in the browser by the vendored
uPlot (static/index_charts.js) from `IndexChart.to_dict()`, embedded as a JSON block by
`templates/_index_chart.html`.

The server decides everything a person reads: the x labels, each series' values and colour, and the
hover text of every position (`tips`, shown in the read-out line under the chart, so touch screens get
it too). The script only places the points, zooms (drag) and zooms back out (double-click).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kneeguard.jsonable import plain

KINDS = ("bars", "points", "line")


@dataclass(frozen=True)
class ChartSeries:
    label: str
    kind: str  # one of KINDS
    values: list[float | None]  # one per x position; None draws nothing there
    colour: str
    scale: str = "y"  # "y" (left axis) or "y2" (right axis)
    hollow: bool = False  # points drawn as rings (e.g. steps left out of the medians)

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.scale not in ("y", "y2"):
            raise ValueError(f"chart series {self.label!r}: kind {self.kind!r}, scale {self.scale!r}")


@dataclass
class IndexChart:
    chart_id: str
    title: str
    x_labels: list[str]  # the label of each x position (1, 2, 3 ... on the axis)
    tips: list[str]  # the read-out of each x position
    y_label: str
    y2_label: str = ""
    y_from_zero: bool = False  # distances: bars stand on zero; angles and times: the axis fits the values
    height: int = 260
    series: list[ChartSeries] = field(default_factory=list)

    def legend(self) -> list[tuple[str, str, bool]]:
        """(label, colour, hollow) of each series that has a value, for the legend under the chart."""
        return [(s.label, s.colour, s.hollow) for s in self.series if any(v is not None for v in s.values)]

    def to_dict(self) -> dict:
        if any(len(s.values) != len(self.x_labels) for s in self.series) or len(self.tips) != len(self.x_labels):
            raise ValueError(f"chart {self.chart_id}: every series and the tips need one value per x label")
        return plain(asdict(self), digits=3)
