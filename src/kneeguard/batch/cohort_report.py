"""What `kneeguard batch cohort` leaves in its folder: the table (CSV + Parquet), a plot and a Markdown summary.

Every number in the plot and the summary is read from the one table (`CohortResult.table`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from kneeguard import evidence
from kneeguard.batch.cohort_stats import CONFIDENCE, CohortResult

TABLE = "cohort_by_band"
PLOT = "cohort_by_band.png"
SUMMARY = "summary.md"
LABELS = {"reference": "≤ {small} %", "small": "{small}–{moderate} %", "moderate": "{moderate}–{large} %",
          "large": "> {large} %", "return_after_break": "after a break"}


def band_labels() -> dict[str, str]:
    """Band names as the spike edges from the registry read: '≤ 10 %', '10–30 %', ..."""
    edges = {k: f"{100 * float(evidence.value(f'load.spike.{k}')):g}" for k in ("small", "moderate", "large")}
    return {band: label.format(**edges) for band, label in LABELS.items()}


def write_outputs(result: CohortResult, out: Path) -> list[Path]:
    """Write the table, the plot and the summary into `out` (created); returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    table = result.table.copy()
    table.insert(1, "label", table["band"].map(band_labels()))
    paths = [out / f"{TABLE}.csv", out / f"{TABLE}.parquet", out / PLOT, out / SUMMARY]
    table.to_csv(paths[0], index=False)
    table.to_parquet(paths[1], index=False)
    plot(result, paths[2])
    paths[3].write_text(summary(result), encoding="utf-8")
    return paths


def plot(result: CohortResult, path: Path) -> None:
    """Two panels: injuries per 1,000 runs with their CIs, and hazard ratios with their CIs (log axis)."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = result.table
    labels = table["band"].map(band_labels()).tolist()
    y = np.arange(len(table))[::-1]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.6 * len(table) + 2.2), sharey=True)
    rate = table["per_1000_runs"].to_numpy(float)
    left.errorbar(rate, y, xerr=[rate - table["per_1000_runs_low"], table["per_1000_runs_high"] - rate],
                  fmt="o", color="#1f4e79", capsize=3)
    left.set_yticks(y, labels)
    left.set_xlabel(f"new problems per 1,000 runs ({CONFIDENCE:.0%} Wilson CI)")
    left.set_xlim(left=0)
    left.set_title("Incidence by single-run spike band")
    hr = table["hr"].to_numpy(float)
    shown = np.isfinite(hr)
    right.errorbar(hr[shown], y[shown], xerr=[(hr - table["hr_low"])[shown], (table["hr_high"] - hr)[shown]],
                   fmt="s", color="#9c2f2f", capsize=3)
    right.axvline(1.0, color="grey", linestyle="--", linewidth=1)
    right.set_xscale("log")
    finite = np.concatenate([table["hr_low"], table["hr_high"]]).astype(float)
    finite = finite[np.isfinite(finite) & (finite > 0)]
    ticks = [t for t in (0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8) if finite.min() / 1.2 <= t <= finite.max() * 1.2]
    right.set_xticks(ticks, [f"{t:g}" for t in ticks])
    right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xlabel(f"hazard ratio vs {band_labels()['reference']} ({CONFIDENCE:.0%} CI, clustered by athlete)")
    right.set_title("Cox model, time-varying band")
    fig.suptitle(f"{result.athletes} athletes, {result.runs:,} runs, {result.injuries} new problems "
                 f"({'first per athlete' if result.events == 'first' else 'recurrent'}) — an association, not a cause",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def summary(result: CohortResult) -> str:
    """A short Markdown summary of the table, its definitions and its limits."""
    injury = evidence.rule("research.cohort.injury")
    state = evidence.rule("research.cohort.state_max_days")
    lines = [
        "# Spike–injury cohort (research use)", "",
        f"- Athletes analysed: {result.athletes}"
        + (f" (left out: {', '.join(f'{n} {why}' for why, n in result.athletes_excluded.items())})"
           if result.athletes_excluded else ""),
        f"- Runs at risk: {result.runs:,}; new problems in a band's state: {result.injuries}"
        f" ({'first per athlete' if result.events == 'first' else 'all, recurrent'}); "
        f"in no band's state (a break over {state.value} days or a run without distance): "
        f"{result.injuries_outside_states}",
        f"- Outcome: {injury.summary}",
        f"- Exposure: {state.summary}", "",
        "| band | runs | new problems | per 1,000 runs (95 % CI) | per 1,000 days at risk (95 % CI) "
        "| hazard ratio (95 % CI) | p |",
        "|---|---:|---:|---|---|---|---:|",
    ]
    labels = band_labels()
    for row in result.table.itertuples(index=False):
        hr = "1 (reference)" if row.band == "reference" else (
            f"{row.hr:.2f} ({row.hr_low:.2f}–{row.hr_high:.2f})" if np.isfinite(row.hr) else "not estimable")
        p = "" if row.band == "reference" or not np.isfinite(row.p) else f"{row.p:.3f}"
        lines.append(f"| {labels[row.band]} | {row.runs:,} | {row.injuries} | {row.per_1000_runs:.1f} "
                     f"({row.per_1000_runs_low:.1f}–{row.per_1000_runs_high:.1f}) | {row.per_1000_days:.2f} "
                     f"({row.per_1000_days_low:.2f}–{row.per_1000_days_high:.2f}) | {hr} | {p} |")
    lines += ["", "Joint Wald test that every band's hazard ratio is 1: "
              + (f"p = {result.joint_p:.3f}." if result.joint_p == result.joint_p else "not computed (see the notes)."),
              *[f"- Note: {note}" for note in result.notes],
              "", "Hazard ratios: Cox proportional hazards on counting-process intervals (statsmodels PHReg, "
              "Breslow ties), standard errors from the robust sandwich clustered by athlete. Per-run "
              "incidence CIs (Wilson) treat runs as independent and are narrower than they should be. "
              "An association in observational data, not a cause; see docs/cohort.md for the method "
              "and its limits.", ""]
    return "\n".join(lines)
