"""A run whose 30-day spike window reaches back before the imported record: its reference can only be
too short (earlier runs may be missing), so a spike on it is shown as not judged: an uncertain finding,
its own chart style, and nothing the plan acts on. Runs with a whole window are judged as before."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from kneeguard.advice import make_context
from kneeguard.advice.load_reference import PastRun
from kneeguard.load import analyze_load
from kneeguard.load.activities import activities_frame
from kneeguard.load.bands import BAND_STYLE, SHORT_RECORD, shown_bands
from kneeguard.load.findings import spike_findings
from kneeguard.load.plot import worst_band_by_week
from kneeguard.load.spike import NS_PER_DAY, spike_columns, window_days
from kneeguard.load.synthetic import synthetic_activities
from kneeguard.profile import AthleteProfile
from kneeguard.web.pain_load_chart import build_chart

WINDOW = window_days()
AS_OF = dt.date(2025, 6, 22)


def _records(runs: list[tuple[str, float]], sport: str = "running") -> list[dict]:
    return [{"start": start, "distance_m": km * 1000, "timer_s": km * 360, "sport": sport} for start, km in runs]


# three weeks of record: the third run (25 km after 10 and 11.5 km) is a large spike only against them
SHORT = [("2025-06-02 07:00", 10), ("2025-06-10 07:00", 11.5), ("2025-06-12 07:00", 25)]


def _report(runs: list[tuple[str, float]], extra: list[dict] = ()):
    return analyze_load(activities_frame(_records(runs) + list(extra)), AthleteProfile(name="x"), AS_OF)


def test_spike_columns_say_how_much_record_lies_before_each_run():
    start = pd.to_datetime([s for s, _ in SHORT], utc=True).as_unit("ns").asi8
    columns = spike_columns(start, np.array([km * 1000 for _, km in SHORT]))
    assert columns["record_days_before"].tolist() == [0.0, 8.0, 10.0]
    assert not columns["window_in_record"].any()
    assert columns["spike_band"].tolist() == ["return_after_break", "small", "large"]  # bands themselves unchanged
    # a record that began a whole window before the first run (e.g. with a ride) covers every window
    earlier = spike_columns(start, np.array([10_000.0, 11_500.0, 25_000.0]), record_start_ns=int(start[0]) -
                            WINDOW * NS_PER_DAY)
    assert earlier["window_in_record"].all() and earlier["spike_band"].tolist() == columns["spike_band"].tolist()


def test_window_in_record_from_the_window_start_exactly():
    first = pd.Timestamp("2025-01-01 07:00", tz="UTC").as_unit("ns").value
    start = np.array([first, first + WINDOW * NS_PER_DAY - 1, first + WINDOW * NS_PER_DAY], dtype=np.int64)
    columns = spike_columns(start, np.array([10_000.0, 10_000.0, 10_000.0]))
    assert columns["window_in_record"].tolist() == [False, False, True]
    assert spike_columns(np.array([], dtype=np.int64), np.array([]))["window_in_record"].tolist() == []


def test_short_record_spikes_are_uncertain_findings_naming_the_days_of_record():
    report = _report(SHORT)
    spikes = [f for f in report.findings if f.code == "load.spike"]
    assert len(spikes) == 2 and all(f.uncertain for f in spikes)
    large = next(f for f in spikes if f.details["band"] == "large")
    assert large.uncertain.startswith(f"your imported record starts 10 days before this run, less than the {WINDOW} "
                                      "days the rule compares with: earlier runs may be missing")
    assert report.runs["window_in_record"].dtype == bool


def test_a_ride_a_whole_window_before_the_runs_makes_their_spikes_judged():
    ride = _records([("2025-05-01 07:00", 30)], sport="cycling")
    report = _report(SHORT, ride)
    assert report.runs["window_in_record"].tolist() == [True, True, True]
    spikes = [f for f in report.findings if f.code == "load.spike"]
    assert len(spikes) == 2 and not any(f.uncertain for f in spikes)


def test_a_file_from_a_watch_whose_clock_was_never_set_does_not_start_the_record():
    undated = _records([("1990-07-18 10:00", 10)])  # before any real FIT date: the watch counted from power-on
    report = _report(SHORT, undated)
    assert report.runs["window_in_record"].tolist() == [False, False, False, False]
    assert all(f.uncertain for f in report.findings if f.code == "load.spike")


def _old_week_bands(runs: pd.DataFrame, week_starts: pd.DatetimeIndex) -> list[str]:
    """The chart's week bands as drawn before the record columns existed (first run excused only)."""
    worst = {start: "none" for start in week_starts}
    dates = pd.DatetimeIndex(runs["date"])
    mondays = dates - pd.to_timedelta(dates.dayofweek, unit="D")
    bands = np.where(runs["first_in_record"].to_numpy(dtype=bool), "none", runs["spike_band"].to_numpy(dtype=object))
    old_rank = {"none": 0, "return_after_break": 1, "small": 2, "moderate": 3, "large": 4}
    for monday, band in zip(mondays, bands):
        if band in old_rank and monday in worst and old_rank[band] > old_rank[worst[monday]]:
            worst[monday] = band
    return list(worst.values())


def test_a_long_record_is_judged_as_before_once_a_whole_window_lies_behind():
    as_of = dt.date(2025, 6, 30)
    activities = synthetic_activities(days=200, end=as_of, seed=3)
    report = analyze_load(activities, AthleteProfile(name="x"), as_of)
    runs = report.runs
    whole = runs["window_in_record"].to_numpy(dtype=bool)
    assert whole[-1] and not whole[0]
    # the same bands, findings judged with full confidence, the same chart weeks
    old = runs.drop(columns=["record_days_before", "window_in_record"])
    assert shown_bands(runs)[whole].tolist() == shown_bands(old)[whole].tolist()
    assert spike_findings(runs, as_of) == [f for f in spike_findings(old, as_of) if _judged(f, runs)]
    first_whole_monday = pd.Timestamp(runs["date"][whole].iloc[0]) + pd.Timedelta(days=7)
    weeks = report.weekly.index
    late = weeks >= first_whole_monday
    assert np.array(worst_band_by_week(runs, weeks))[late].tolist() == np.array(_old_week_bands(runs, weeks))[late].tolist()
    assert any(band in ("small", "moderate", "large") for band in np.array(_old_week_bands(runs, weeks))[late])


def _judged(finding, runs) -> bool:
    """Whether the finding's run has a whole window (findings of other runs become uncertain)."""
    row = runs.loc[runs["id"] == finding.details.get("activity_id")]
    return finding.code != "load.spike" or bool(row["window_in_record"].iloc[0])


def test_chart_week_of_an_unjudged_spike_has_its_own_style_that_a_real_spike_beats():
    report = _report(SHORT)
    assert worst_band_by_week(report.runs, report.weekly.index) == ["none", SHORT_RECORD, "none"]
    assert BAND_STYLE[SHORT_RECORD][3] == f"fewer than {WINDOW} days of record before: not judged"
    assert all(BAND_STYLE[band][0] > BAND_STYLE[SHORT_RECORD][0] for band in ("small", "moderate", "large"))
    # in the same week as a judged spike, the judged one sets the bar
    runs = report.runs.copy()
    runs.loc[1, "window_in_record"] = True
    assert worst_band_by_week(runs, report.weekly.index) == ["none", "small", "none"]


def test_a_runs_table_stored_without_the_record_columns_still_reads():
    report = _report(SHORT)
    old = report.runs.drop(columns=["record_days_before", "window_in_record"])
    assert worst_band_by_week(old, report.weekly.index) == ["none", "large", "none"]
    assert [f.uncertain for f in spike_findings(old, AS_OF)] == [None, None]
    context = make_context("x", AS_OF, load_report=_with_runs(report, old))
    assert [r.spike for r in context.past_runs()] == [False, True, True]


def _with_runs(report, runs):
    report.runs = runs
    return report


def test_the_plan_does_not_act_on_an_unjudged_spike():
    report = _report(SHORT)
    context = make_context("x", AS_OF, load_report=report)
    past = context.past_runs()
    assert [r.spike_band for r in past] == ["return_after_break", "small", "large"]
    assert not any(r.spike for r in past)
    assert past[-1].tolerated_km == 25.0  # not cut to the reference a spike would leave
    assert "load.spike" not in context.finding_codes
    assert {f.code for f in context.uncertain_findings} == {"load.spike"}
    judged = PastRun(dt.date(2025, 6, 12), 25.0, spike_band="large", measured_against_km=11.5)
    assert judged.spike and judged.tolerated_km == 11.5


def test_batch_findings_say_which_are_uncertain_and_read_across_athletes(tmp_path):
    from kneeguard.batch.load import write_report

    write_report(tmp_path, "short", _report(SHORT))
    write_report(tmp_path, "long", _report(SHORT, _records([("2025-05-01 07:00", 30)], sport="cycling")))
    table = pd.read_parquet(tmp_path / "findings")
    spikes = table[table["code"] == "load.spike"]
    assert sorted(spikes["uncertain"].notna().tolist()) == [False, False, True, True]


def test_dashboard_marks_an_unjudged_spike_as_not_judged():
    report = _report(SHORT)
    chart = build_chart(report, AS_OF, "4w", [], {}, [])
    assert [(s.day, s.band) for s in chart.spikes] == [(dt.date(2025, 6, 10), SHORT_RECORD),
                                                       (dt.date(2025, 6, 12), SHORT_RECORD)]
    assert chart.to_dict()["bands"][SHORT_RECORD]["label"] == BAND_STYLE[SHORT_RECORD][3]
