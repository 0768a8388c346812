"""Training-load analysis: turn a runner's activity history into Findings.

One call does everything::

    report = analyze_load(activities, profile, as_of, shoes)
    report.findings, report.runs, report.weekly, report.pmc, report.to_dict()

and every step is a public function too (`spike_table`, `banister_trimp`,
`monotony`, `performance_chart`, `ewma_acwr`, ...). The single-session spike
(Frandsen 2025) leads; weekly change, monotony, fitness/fatigue and ACWR are
descriptive context.
"""
from kneeguard.load.activities import RUNNING_SPORTS, activities_frame, hr_histogram_matrix, prepare_activities
from kneeguard.load.acwr import ewma_acwr, rolling_acwr, williams_ewma
from kneeguard.load.analysis import LoadReport, analyze_load, build_runs
from kneeguard.load.heart_rate import HeartRateSettings, banister_constants, resolve_heart_rate
from kneeguard.load.monotony_strain import monotony, monotony_series, strain
from kneeguard.load.pmc import decay_alpha, exponential_load, performance_chart
from kneeguard.load.shoes import shoe_findings
from kneeguard.load.spike import (
    BANDS,
    classify_spikes,
    range_max,
    spike_columns,
    spike_for_distances,
    spike_table,
)
from kneeguard.load.trimp import (
    activity_loads,
    banister_trimp,
    banister_trimp_from_histogram,
    banister_weights,
    edwards_trimp,
    edwards_weights,
    session_rpe_load,
)
from kneeguard.load.volume import daily_table, four_weekly_table, percent_change, run_streaks, weekly_table
from kneeguard.load.zones import ZONE_LABELS, zone_distribution, zone_seconds


def plot_load(report: LoadReport, path, weeks: int | None = 52):
    """Render the weekly-distance / fitness-fatigue chart to a PNG (imports matplotlib lazily).

    Shows the last `weeks` ISO weeks (None: the whole record); returns the path.
    """
    from kneeguard.load.plot import plot_load as _plot

    return _plot(report, path, weeks=weeks)


__all__ = [
    "BANDS", "RUNNING_SPORTS", "ZONE_LABELS", "HeartRateSettings", "LoadReport", "activities_frame",
    "activity_loads", "analyze_load", "banister_constants", "banister_trimp", "banister_trimp_from_histogram",
    "banister_weights", "build_runs", "classify_spikes", "daily_table", "decay_alpha", "edwards_trimp",
    "edwards_weights", "ewma_acwr", "exponential_load", "four_weekly_table", "hr_histogram_matrix", "monotony",
    "monotony_series", "percent_change", "performance_chart", "plot_load", "prepare_activities", "range_max",
    "resolve_heart_rate", "rolling_acwr", "run_streaks", "session_rpe_load", "shoe_findings", "spike_columns",
    "spike_for_distances", "spike_table", "strain", "weekly_table", "williams_ewma", "zone_distribution",
    "zone_seconds",
]
