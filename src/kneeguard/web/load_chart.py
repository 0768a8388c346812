"""The load page's interactive chart: weekly distance bars coloured by each week's worst
spike band (the same bands and colours as the PNG `load.plot` draws) and the fitness line,
with every week's numbers in the read-out. Built from the same `LoadReport`; computes nothing new.
The browser draws it with uPlot (static/index_charts.js)."""
from __future__ import annotations

import pandas as pd

from kneeguard import evidence
from kneeguard.web.index_chart import ChartSeries, IndexChart

WEEKS = 52
FITNESS_COLOUR = "#08306b"


def load_chart(report, weeks: int = WEEKS) -> IndexChart | None:
    """The chart for the last `weeks` weeks, leading empty weeks dropped; None without any run."""
    from kneeguard.load.plot import BAND_STYLE, worst_band_by_week

    weekly = report.weekly.iloc[-weeks:]
    if weekly.empty or "distance_km" not in weekly or not (weekly["distance_km"].to_numpy() > 0).any():
        return None
    first_active = int((weekly["distance_km"].to_numpy() > 0).argmax())
    weekly = weekly.iloc[max(first_active - 2, 0):]  # empty weeks before the first run only squeeze the bars
    bands = worst_band_by_week(report.runs, weekly.index)
    kms = [float(km) for km in weekly["distance_km"]]
    tips = [_week_tip(monday, week, BAND_STYLE[band][3]) for (monday, week), band in zip(weekly.iterrows(), bands,
                                                                                          strict=True)]
    chart = IndexChart("load-chart", f"Weekly running distance up to {report.as_of:%d %b %Y}",
                       x_labels=[f"{monday:%d %b %y}" for monday in weekly.index], tips=tips,
                       y_label="km per week", y_from_zero=True)
    for band, (_, colour, _, band_label) in BAND_STYLE.items():  # one bar series per band: its colour and legend entry
        values = [km if b == band and km > 0 else None for km, b in zip(kms, bands, strict=True)]
        if any(v is not None for v in values):
            chart.series.append(ChartSeries(band_label, "bars", values, colour))
    _fitness_line(chart, report, weekly)
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


def _fitness_line(chart: IndexChart, report, weekly: pd.DataFrame) -> None:
    """Fitness (chronic load) at each week's end on the right axis; its value joins the week's read-out."""
    pmc = getattr(report, "pmc", None)
    if pmc is None or pmc.empty or "fitness" not in pmc:
        return
    ends = weekly["week_end"] if "week_end" in weekly else weekly.index + pd.Timedelta(days=6)
    values = [float(v) if v == v else None
              for v in pmc["fitness"].reindex(pd.DatetimeIndex(ends), method="ffill").to_numpy()]
    if sum(v is not None for v in values) < 2:
        return
    days = evidence.value("load.pmc.ctl_days")
    for i, v in enumerate(values):
        if v is not None:
            end = pd.Timestamp(ends.iloc[i] if hasattr(ends, "iloc") else ends[i])
            chart.tips[i] += f" · fitness on {end:%a %d %b %Y}: {v:.1f} TRIMP/day (chronic load, {days}-day average)"
    chart.y2_label = "fitness (TRIMP/day)"
    chart.series.append(ChartSeries("fitness (chronic load, right axis)", "line", values, FITNESS_COLOUR, scale="y2"))
