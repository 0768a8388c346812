"""The two-page summary's charts: recent weekly distance and the pain trend, drawn at the size they print.

A chart drawn large and shrunk onto the summary printed its text at 3-5 pt (physiotherapists, reads 31 and 34:
"cannot be read"). These figures are drawn at their printed size, half the page's width and SUMMARY_HEIGHT_MM
high, so their 6 pt text prints at 6 pt; report.css gives the images that height.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a display

import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kneeguard import pain_rule  # noqa: E402
from kneeguard.report.charts import figure_uri  # noqa: E402
from kneeguard.report.document import Chart  # noqa: E402

MM_PER_INCH = 25.4
SUMMARY_WIDTH_MM, SUMMARY_HEIGHT_MM = 84.0, 18.0  # half an A4 text width beside the other chart; report.css
SUMMARY_FIGSIZE = (SUMMARY_WIDTH_MM / MM_PER_INCH, SUMMARY_HEIGHT_MM / MM_PER_INCH)
FONT_PT = 6.0
PRINT_DPI = 300
SUMMARY_WEEKS = 12  # about three months: the build-up before a pain and the weeks since
PAIN_COLOUR, MORNING_COLOUR, REST_COLOUR = "#b2182b", "#6a3d9a", "#4d4d4d"


def _figure() -> tuple[Figure, Any]:
    fig = Figure(figsize=SUMMARY_FIGSIZE)
    ax = fig.subplots()
    ax.tick_params(labelsize=FONT_PT, length=2, pad=1)
    ax.spines[["top"]].set_visible(False)
    return fig, ax


def _uri(fig: Figure) -> str:
    fig.tight_layout(pad=0.2)
    return figure_uri(fig, PRINT_DPI)


def recent_weeks(load_report: Any) -> Any:
    """The summary chart's weeks: the load report's own weekly rows (index: Mondays), the last SUMMARY_WEEKS."""
    weekly = getattr(load_report, "weekly", None)
    if weekly is None or "distance_km" not in getattr(weekly, "columns", ()) or len(weekly) == 0:
        return None
    return weekly.iloc[-SUMMARY_WEEKS:]


# The bands' fills (load.bands.BAND_STYLE) in words: the caption is the legend, since a legend inside a chart
# this low covers its bars
COLOUR_WORDS = {"none": "grey", "short_record": "lilac", "return_after_break": "blue", "small": "yellow",
                "moderate": "orange", "large": "red"}


def _band_words(bands: list[str]) -> str:
    """'colour: the week's biggest run over its 30-day longest, yellow 10-30 %, orange 30-100 %' for the bands
    shown (a physiotherapist read 'spike 10-30 %' on a bar the text calls 'weekly distance up 40 %')."""
    from kneeguard.load.bands import BAND_STYLE

    shown = sorted({b for b in bands if b != "none"}, key=lambda b: BAND_STYLE[b][0])
    spikes = [f"{COLOUR_WORDS[b]} {BAND_STYLE[b][3].removeprefix('spike ')}" for b in shown
              if BAND_STYLE[b][3].startswith("spike")]
    others = [f"{COLOUR_WORDS[b]}: {BAND_STYLE[b][3]}" for b in shown if not BAND_STYLE[b][3].startswith("spike")]
    words = [f"colour: the week's biggest run over its 30-day longest, {', '.join(spikes)}"] if spikes else []
    return "; ".join(words + others)


def summary_load_chart(load_report: Any, onset: dt.date | None = None) -> Chart | None:
    """The recent weeks' distance as labelled bars, coloured by the week's worst spike, with the day the pain
    began marked; weeks after the last imported run are marked '-', not drawn as 0 km (runs may be missing)."""
    weeks = recent_weeks(load_report)
    runs = getattr(load_report, "runs", None)
    if weeks is None or runs is None:
        return None
    from kneeguard.load.bands import BAND_STYLE
    from kneeguard.load.plot import worst_band_by_week

    bands = worst_band_by_week(runs, weeks.index)
    km = weeks["distance_km"].to_numpy()
    last_run = runs["date"].max().date() if len(runs) else None
    imported = [last_run is None or monday.date() <= last_run for monday in weeks.index]
    fig, ax = _figure()
    top = max(float(km.max()), 1.0) * 1.6  # room for the km labels, and the onset label above them
    for i, (value, band, seen) in enumerate(zip(km, bands, imported)):
        if not seen:  # nothing imported yet for this week: not a week of rest
            ax.annotate("–", (i, 0), xytext=(0, 1), textcoords="offset points", ha="center", va="bottom",
                        fontsize=FONT_PT + 3, color="#555555", fontweight="bold")  # seen when printed (read 37)
            continue
        _, colour, hatch, _ = BAND_STYLE[band]
        ax.bar(i, value, width=0.8, color=colour, hatch=hatch, edgecolor="black", linewidth=0.4)
        ax.annotate(f"{value:.0f}", (i, value), xytext=(0, 0.5), textcoords="offset points", ha="center",
                    va="bottom", fontsize=FONT_PT)
    ax.set_ylim(0, top)
    ax.set_xlim(-0.6, len(km) - 0.4)
    ax.set_xticks(range(0, len(km), 2), [f"{m + dt.timedelta(days=6):%d %b}" for m in weeks.index[::2]])
    ax.set_ylabel("km a week", fontsize=FONT_PT, labelpad=1)
    ax.spines[["right"]].set_visible(False)
    if onset is not None:
        at = (dt.datetime.combine(onset, dt.time()) - weeks.index[0].to_pydatetime()).days / 7 - 0.5
        if -0.5 <= at <= len(km) - 0.5:
            ax.axvline(at, color=PAIN_COLOUR, lw=0.8, ls="--")
            ax.text(at, top, "pain began ", color=PAIN_COLOUR, fontsize=FONT_PT, va="top", ha="right")
    colours = _band_words([b for b, seen in zip(bands, imported) if seen])
    missing = "" if all(imported) else f"; –: no run imported after {last_run:%d %b}"
    return Chart("Weekly distance", _uri(fig), f"Bar chart of the last {len(km)} weeks' running distance, km on each bar",
                 "Weeks dated by their Sunday" + (f"; {colours}" if colours else "") + missing + ".")


def pain_trend_chart(points: list[dict[str, Any]]) -> Chart | None:
    """Pain in runs, at rest and the next morning (0-10) at each check-in, the OSTRC severity (0-100) in the
    caption; `points`: date, during, now, morning, ostrc."""
    points = [p for p in points if p.get("date") is not None]
    if not points or all(p.get(k) is None for p in points for k in ("during", "now", "morning", "ostrc")):
        return None
    fig, ax = _figure()
    lines = []
    for key, colour, style, label in (("during", PAIN_COLOUR, "o-", "in runs"),
                                      ("now", REST_COLOUR, "v-.", "at rest"),
                                      ("morning", MORNING_COLOUR, "^--", "next morning")):
        series = [(p["date"], p[key]) for p in points if p.get(key) is not None]
        if series:
            lines += ax.plot(*zip(*series), style, color=colour, label=label, ms=3, lw=0.9)
    ax.set_ylim(0, 14)  # the band above 10 holds the legend, clear of the lines
    ax.set_yticks([0, 5, 10])
    ax.set_ylabel("pain 0-10", fontsize=FONT_PT, labelpad=1)
    acceptable = pain_rule.acceptable_max()
    ax.axhline(acceptable, color=PAIN_COLOUR, lw=0.6, ls=":")
    ax.spines[["right"]].set_visible(False)
    # OSTRC (0-100) in the caption, not on a second axis: its markers sat on the pain markers (read 36)
    ostrc = [f"{p['ostrc']:g}" for p in points if p.get("ostrc") is not None]
    dates = sorted({p["date"] for p in points})
    ax.set_xlim(min(dates[0], dates[-1] - dt.timedelta(days=14)) - dt.timedelta(days=1),
                dates[-1] + dt.timedelta(days=2))  # a lone check-in: two weeks before it, none after
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=2, maxticks=5))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # the month on each date (read 34)
    ax.legend(handles=lines, fontsize=FONT_PT - 0.5, loc="upper left", frameon=False, ncol=len(lines),
              handlelength=1.5, borderaxespad=0.1, columnspacing=0.8)
    # this episode's check-ins (another knee's are another episode): "One check-in so far" read against "3 on record"
    once = "One check-in of this pain episode so far. " if len(dates) == 1 else ""
    return Chart("Pain trend", _uri(fig), "Pain in runs, at rest and the next morning at each check-in",
                 f"{once}Dotted: {acceptable}/10, the pain rule's upper limit during exercise"
                 + (f"; OSTRC severity at {'these check-ins' if len(ostrc) > 1 else 'this check-in'}: "
                    f"{', '.join(ostrc)} of 100." if ostrc else "."))
