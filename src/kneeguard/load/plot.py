"""The load chart: weekly distance bars (spike weeks marked by their worst band) with
fitness and fatigue lines on a second axis. Colours and hatching both carry the
band, so the chart also reads in black and white.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display needed, safe in workers and CI

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from kneeguard import evidence  # noqa: E402
from kneeguard.load.bands import BAND_STYLE, shown_bands  # noqa: E402 - the band colours the web pages share
from kneeguard.load.spike import window_days  # noqa: E402


def worst_band_by_week(runs: pd.DataFrame, week_starts: pd.DatetimeIndex) -> list[str]:
    """The most serious spike band of each week ('none' when every run was within the reference band).

    A week whose only spikes are on runs with fewer than the window's days of record before them is
    'short_record' (not judged); one spike on a run with a whole window outranks it."""
    worst = {start: "none" for start in week_starts}
    if runs.empty:
        return list(worst.values())
    dates = pd.DatetimeIndex(runs["date"])
    mondays = dates - pd.to_timedelta(dates.dayofweek, unit="D")
    bands = shown_bands(runs)
    for monday, band in zip(mondays, bands):
        if band in BAND_STYLE and monday in worst and BAND_STYLE[band][0] > BAND_STYLE[worst[monday]][0]:
            worst[monday] = band
    return list(worst.values())


def plot_load(report, path: str | Path, weeks: int | None = 52) -> Path:
    """Write the chart for `report` (a LoadReport) to `path` as PNG; `weeks=None` shows all."""
    path = Path(path)
    weekly = report.weekly if weeks is None else report.weekly.iloc[-weeks:]
    active = weekly["distance_km"].to_numpy() > 0 if "distance_km" in weekly else []
    if len(active) and active.any():
        # Leading empty weeks only squeeze the bars that matter: start 2 weeks before the first run.
        weekly = weekly.iloc[max(int(active.argmax()) - 2, 0):]
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=120)
    try:
        _draw(ax, report, weekly)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png", bbox_inches="tight")
    finally:
        plt.close(fig)
    return path


def _draw(ax, report, weekly: pd.DataFrame) -> None:
    as_of = report.as_of
    ax.set_title(f"Weekly running distance and training load, up to {as_of:%d %b %Y}")
    if weekly.empty:
        ax.text(0.5, 0.5, "No activities to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    bands = worst_band_by_week(report.runs, weekly.index)
    centres = weekly.index + pd.Timedelta(days=3.5)
    for centre, km, band in zip(centres, weekly["distance_km"].to_numpy(), bands):
        _, colour, hatch, _ = BAND_STYLE[band]
        ax.bar(centre, km, width=6, color=colour, hatch=hatch, edgecolor="black", linewidth=0.6)
    ax.set_ylabel("Running distance per week (km)")
    ax.set_xlabel("Week (Monday to Sunday)")
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)

    twin = ax.twinx()
    pmc = report.pmc.loc[report.pmc.index >= weekly.index[0]]
    chronic_days, acute_days = evidence.value("load.pmc.ctl_days"), evidence.value("load.pmc.atl_days")
    fitness = twin.plot(pmc.index, pmc["fitness"], color="#08306b", linewidth=2.2,
                        label=f"fitness (chronic, {chronic_days}-day)")
    fatigue = twin.plot(pmc.index, pmc["fatigue"], color="#7f2704", linewidth=1.4, linestyle="--",
                        label=f"fatigue (acute, {acute_days}-day)")
    twin.set_ylabel("Training load per day (TRIMP, exponentially weighted)")
    twin.set_ylim(bottom=0)
    ax.set_ylim(bottom=0, top=max(float(np.nanmax(weekly["distance_km"].to_numpy())), 1.0) * 1.15)

    present = [b for b in BAND_STYLE if b in bands]
    patches = [Patch(facecolor=BAND_STYLE[b][1], hatch=BAND_STYLE[b][2], edgecolor="black", label=BAND_STYLE[b][3])
               for b in present]
    # below the axes so it never hides a bar
    ax.legend(handles=patches + fitness + fatigue, loc="upper center", bbox_to_anchor=(0.5, -0.13),
              ncol=min(len(patches) + 2, 4), fontsize=8, frameon=False,
              title=f"bars: each week's worst run against the longest run of its previous {window_days()} days",
              title_fontsize=8)
