"""The load page's interactive chart: weekly distance bars coloured by each week's worst
spike band (the same bands and colours as the PNG `load.plot` draws) and the fitness line,
with every week's numbers on hover. Built from the same `LoadReport`; computes nothing new."""
from __future__ import annotations

import math

import pandas as pd

from kneeguard import evidence
from kneeguard.web.svg_chart import Line, Mark, Scale, SvgChart, nice_ticks, points, tick_label

WEEKS = 52


def load_chart(report, weeks: int = WEEKS) -> SvgChart | None:
    """The chart for the last `weeks` weeks, leading empty weeks dropped; None without any run."""
    from kneeguard.load.plot import BAND_STYLE, worst_band_by_week

    weekly = report.weekly.iloc[-weeks:]
    if weekly.empty or "distance_km" not in weekly or not (weekly["distance_km"].to_numpy() > 0).any():
        return None
    first_active = int((weekly["distance_km"].to_numpy() > 0).argmax())
    weekly = weekly.iloc[max(first_active - 2, 0):]  # empty weeks before the first run only squeeze the bars
    bands = worst_band_by_week(report.runs, weekly.index)
    chart = SvgChart("load-chart", f"Weekly running distance up to {report.as_of:%d %b %Y}: hover or tap a week "
                     "for its numbers", y_label="km per week", y2_label="fitness (TRIMP/day)")
    x = Scale(0, len(weekly), chart.plot_left, chart.plot_right)
    top_km = max(float(weekly["distance_km"].max()), 1.0) * 1.1
    y = Scale(0, top_km, chart.plot_bottom, chart.plot_top)
    chart.y_ticks = [(y(v), tick_label(v)) for v in nice_ticks(0, top_km)]
    slot = x(1) - x(0)
    for i, ((monday, week), band) in enumerate(zip(weekly.iterrows(), bands, strict=True)):
        km = float(week["distance_km"])
        _, colour, _, band_label = BAND_STYLE[band]
        height = max(y(0) - y(km), 1.0 if km > 0 else 0.0)
        chart.marks.append(Mark("rect", x(i) + slot * 0.12, y(0) - height, _week_tip(monday, week, band_label),
                                css=f"bar band-{band}", w=slot * 0.76, h=height, fill=colour))
    step = max(1, math.ceil(len(weekly) / 8))
    chart.x_labels = [(x(i + 0.5), f"{monday:%d %b}" if i % (step * 4) else f"{monday:%d %b %y}")
                      for i, monday in enumerate(weekly.index) if i % step == 0]
    _fitness_line(chart, report, weekly, x)
    chart.legend = [(f"band-{b}", BAND_STYLE[b][3], BAND_STYLE[b][1]) for b in BAND_STYLE if b in bands]
    if chart.lines:
        chart.legend.append(("fitness", "fitness (chronic load, right axis)", ""))
    return chart


def _week_tip(monday, week, band_label: str) -> str:
    parts = [f"Week of {monday:%a %d %b %Y}: {float(week['distance_km']):.1f} km in {int(week['runs'])} "
             f"run{'s' if int(week['runs']) != 1 else ''}"]
    longest = week.get("longest_run_km")
    if longest is not None and not pd.isna(longest) and float(longest) > 0:
        parts.append(f"longest {float(longest):.1f} km")
    change = week.get("change_pct")
    if change is not None and not pd.isna(change):
        parts.append(f"{float(change):+.0f} % on the week before")
    if int(week["runs"]) > 0:
        parts.append(f"worst run: {band_label}")
    if not bool(week.get("complete", True)):
        parts.append("week not complete")
    return "; ".join(parts)


def _fitness_line(chart: SvgChart, report, weekly: pd.DataFrame, x: Scale) -> None:
    """Fitness (chronic load) at each week's end on a second scale, dots with their value."""
    pmc = getattr(report, "pmc", None)
    if pmc is None or pmc.empty or "fitness" not in pmc:
        return
    ends = weekly["week_end"] if "week_end" in weekly else weekly.index + pd.Timedelta(days=6)
    values = pmc["fitness"].reindex(pd.DatetimeIndex(ends), method="ffill")
    pairs = [(i, float(v)) for i, v in enumerate(values.to_numpy()) if v == v]
    days = evidence.value("load.pmc.ctl_days")
    if len(pairs) < 2:
        return
    top = max(max(v for _, v in pairs), 1.0) * 1.1
    y2 = Scale(0, top, chart.plot_bottom, chart.plot_top)
    chart.y2_ticks = [(y2(v), tick_label(v)) for v in nice_ticks(0, top)]
    xs = [x(i + 0.5) for i, _ in pairs]
    ys = [y2(v) for _, v in pairs]
    chart.lines.append(Line(points(xs, ys), "fitness", "fitness"))
    for (i, v), px, py in zip(pairs, xs, ys, strict=True):
        end = pd.Timestamp(ends.iloc[i] if hasattr(ends, "iloc") else ends[i])
        chart.marks.append(Mark("circle", px, py, f"Fitness on {end:%a %d %b %Y}: {v:.1f} TRIMP/day "
                                f"(chronic load, {days}-day average)", css="fitness", r=3.0))
