"""Charts for the report as PNG data: URIs, so the HTML needs no other file.

Figures are built with matplotlib's object API (`Figure`, no pyplot state), so
building a report leaves no open figures behind. Each function returns None
when there is nothing to draw; the builder then says what is missing instead.
"""
from __future__ import annotations

import base64
import io
import math
import tempfile
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, never a display

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from kneeguard import evidence  # noqa: E402
from kneeguard.report.document import Chart  # noqa: E402
from kneeguard.numbers import finite_float

DPI = 110
OK_COLOUR, FLAG_COLOUR, MEASURED_COLOUR = "#d9efd5", "#f8d3cc", "#111111"
SIDE_COLOUR = {"left": "#1f77b4", "right": "#e6731a"}

# gait summary key -> (label, registry rule, how the rule's value reads: 'above' flags above it,
# 'below' flags below it, 'band' is an [low, high] range)
GAIT_METRICS = (
    ("cadence_spm", "Cadence (steps/min)", "gait.cadence.low", "below"),
    ("overstride_pct_leg", "Overstride (% leg length)", "gait.overstride.warn_pct_leg", "above"),
    ("knee_flexion_ic_deg", "Knee flexion at landing (deg)", "gait.knee_ic.extended", "below"),
    ("shank_angle_ic_deg", "Shank angle at landing (deg)", "gait.shank_angle_ic.warn", "above"),
    ("trunk_lean_deg", "Trunk lean (deg forward)", "gait.trunk_lean.band", "band"),
    ("contact_time_ms", "Ground contact time (ms)", "gait.contact_time.band", "band"),
)


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure_uri(fig: Figure, dpi: int = DPI) -> str:
    # Every chart has already called tight_layout(), which fits labels, titles and legends in
    # the figure; bbox_inches="tight" would draw the whole figure a second time to crop it.
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return png_data_uri(buf.getvalue())


def load_chart(load_report: Any) -> Chart | None:
    """The load module's own weekly chart (spike weeks marked, fitness and fatigue lines) for the full report's
    load section; the summary has its own wide, low chart of the recent weeks (`summary_load_chart`)."""
    runs = getattr(load_report, "runs", None)
    if load_report is None or runs is None or len(runs) == 0:
        return None
    from kneeguard.load.plot import plot_load

    # plot_load writes a file; a temporary folder keeps the report free of side effects.
    with tempfile.TemporaryDirectory(prefix="kneeguard-report-") as tmp:
        path = plot_load(load_report, Path(tmp) / "load.png", weeks=26)
        png = path.read_bytes()
    return Chart("Weekly distance and training load", png_data_uri(png),
                 "Bar chart of weekly running distance with spike weeks coloured, and fitness and fatigue lines",
                 "26 weeks; colour: the week's worst run against the longest of the 30 days before it.")


def _flag_zone(rule_value: Any, kind: str) -> tuple[float, float] | None:
    """(low, high) of the acceptable zone for a metric, from its registry value."""
    if kind == "band" and isinstance(rule_value, (list, tuple)) and len(rule_value) == 2:
        return float(rule_value[0]), float(rule_value[1])
    if isinstance(rule_value, (int, float)):
        return (float(rule_value), math.inf) if kind == "below" else (-math.inf, float(rule_value))
    return None


def gait_metrics_chart(summary: dict[str, Any] | None) -> Chart | None:
    """Each key gait metric as a marker on its own scale, over the acceptable (green) and flagged (red) zones."""
    rows = []
    for key, label, rule_key, kind in GAIT_METRICS:
        measured = finite_float((summary or {}).get(key))
        if measured is None:
            continue
        try:
            zone = _flag_zone(evidence.value(rule_key), kind)
        except KeyError:  # registry renamed a rule: skip the row rather than break the report
            continue
        if zone is not None:
            rows.append((label, measured, zone))
    if not rows:
        return None
    fig = Figure(figsize=(7.2, 0.62 * len(rows) + 0.5))
    axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
    for ax, (label, measured, (low, high)) in zip(axes, rows):
        finite = [v for v in (low, high, measured) if math.isfinite(v)]
        # Pad by the larger of the data spread and a quarter of the threshold, so a value
        # close to its threshold is not blown up into an alarming-looking distance.
        span = max(max(finite) - min(finite), 0.25 * max(abs(v) for v in finite), 1.0)
        lo, hi = min(finite) - 0.6 * span, max(finite) + 0.6 * span
        ax.axvspan(lo, hi, color=FLAG_COLOUR, lw=0)
        ax.axvspan(max(low, lo), min(high, hi), color=OK_COLOUR, lw=0)
        inside = low <= measured <= high
        ax.plot([measured], [0], marker="o" if inside else "X", ms=10, color=MEASURED_COLOUR)
        ax.annotate(f"{measured:.0f}", (measured, 0), xytext=(0, 7), textcoords="offset points",
                    ha="center", fontsize=8, fontweight="bold")
        ax.set_xlim(lo, hi)
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8.5)
        ax.tick_params(axis="x", labelsize=7)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    fig.suptitle("Gait metrics: measured (marker) vs acceptable zone (green) and flagged zone (red)", fontsize=9)
    fig.tight_layout()
    return Chart("Gait metrics against their thresholds", figure_uri(fig),
                 "Gait metrics, each shown against its acceptable band",
                 "Zones come from the evidence registry; several are heuristics without a validated cut-off.")


def knee_steps_chart(summary: dict[str, Any] | None) -> Chart | None:
    """Knee flexion at landing and peak knee flexion for every step, by side, with the 10 degree flag line."""
    steps = [s for s in (summary or {}).get("steps") or [] if isinstance(s, dict)]
    if len(steps) < 2:
        return None
    fig = Figure(figsize=(7.2, 2.8))
    ax = fig.subplots()
    plotted = False
    for side, colour in SIDE_COLOUR.items():
        pts = [(i + 1, finite_float(s.get("knee_flexion_ic_deg")), finite_float(s.get("peak_knee_flexion_deg")))
               for i, s in enumerate(steps) if str(s.get("side", "")).lower() == side]
        ic = [(n, v) for n, v, _ in pts if v is not None]
        peak = [(n, v) for n, _, v in pts if v is not None]
        if ic:
            ax.plot(*zip(*ic), "o-", color=colour, ms=4, lw=1, label=f"{side}: at landing")
            plotted = True
        if peak:
            ax.plot(*zip(*peak), "s--", color=colour, ms=3, lw=0.8, alpha=0.7, label=f"{side}: peak in stance")
            plotted = True
    if not plotted:
        return None
    try:
        ax.axhline(float(evidence.value("gait.knee_ic.extended")), color="crimson", lw=1, ls=":",
                   label="flag: landing below this")
    except KeyError:
        pass
    ax.set_xlabel("step number")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("knee flexion (deg,\n0 = straight)")  # two lines: fits the axis height
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
    fig.tight_layout()
    return Chart("Knee angle at landing, step by step", figure_uri(fig),
                 "Knee flexion at initial contact and peak knee flexion per step, left and right",
                 "From the side-view video; about ±5 degrees uncertainty from 2D pose.")


def image_file_chart(path: Path, title: str, caption: str = "") -> Chart | None:
    """An image the gait analysis already wrote (e.g. knee_angle.png), embedded."""
    try:
        png = Path(path).read_bytes()
    except OSError:
        return None
    if not png.startswith(b"\x89PNG"):
        return None
    return Chart(title, png_data_uri(png), title, caption)


def selftest_chart(answers: dict[str, Any] | None) -> Chart | None:
    """Left and right self-test results beside their norm (heel raises, bridge, knee-to-wall, AKE)."""
    answers = answers or {}
    sex = answers.get("sex")
    tests = []
    for label, stem, rule_key, better in (
        ("Single-leg heel raises (reps)", "heel_rise_{}", "clinic.selftest.heel_rise_median", "higher"),
        ("Single-leg hamstring bridge (reps)", "bridge_{}", "clinic.selftest.bridge_poor", "higher"),
        ("Knee-to-wall (cm)", "ktw_{}_cm", "clinic.selftest.ktw_soft_cutoff", "higher"),
        ("Active knee extension (deg short of straight)", "ake_{}_deg", "clinic.selftest.ake_shortness", "lower"),
    ):
        values = {side: finite_float(answers.get(stem.format(side))) for side in SIDE_COLOUR}
        if all(v is None for v in values.values()):
            continue
        tests.append((label, values, _norm(rule_key, sex), better))
    if not tests:
        return None
    fig = Figure(figsize=(7.2, 1.05 * len(tests) + 0.3))
    axes = fig.subplots(len(tests), 1, squeeze=False)[:, 0]
    for ax, (label, values, norm, better) in zip(axes, tests):
        sides = [s for s in SIDE_COLOUR if values[s] is not None]
        ax.barh(sides, [values[s] for s in sides], color=[SIDE_COLOUR[s] for s in sides], height=0.6)
        for i, s in enumerate(sides):
            ax.text(values[s], i, f" {values[s]:g}", va="center", fontsize=8)
        if norm is not None:
            ax.axvline(norm, color="black", ls="--", lw=1)
            ax.text(norm, len(sides) - 0.45, f" norm {norm:g} ({better} is better)", fontsize=7, va="bottom")
        top = max([v for v in values.values() if v is not None] + [norm or 0]) * 1.3 or 1
        ax.set_xlim(0, top)
        ax.set_title(label, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
    fig.tight_layout()
    return Chart("Self-tests against norms", figure_uri(fig), "Self-test results left and right against their norms",
                 "Norms from the evidence registry; the knee-to-wall cut-off is widely quoted but not sourced.")


def _norm(rule_key: str, sex: Any) -> float | None:
    try:
        value = evidence.value(rule_key)
    except KeyError:
        return None
    if isinstance(value, dict):  # per-sex norms; without a sex, the stricter is not assumed: show none
        value = value.get(sex) if sex else None
    return finite_float(value)


