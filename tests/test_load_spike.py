"""The single-session spike rule (Frandsen 2025): bands, boundaries, breaks, doubles, properties."""
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kneeguard.load import range_max, spike_for_distances, spike_table

T0 = pd.Timestamp("2024-03-01 07:00", tz="UTC")


def history(*runs):
    """runs: (days after T0, km) pairs -> spike table in start order."""
    starts = [T0 + pd.Timedelta(days=d) for d, _ in runs]
    return spike_for_distances(starts, [km * 1000 if km is not None else np.nan for _, km in runs])


def band_of_last(*runs):
    return history(*runs)["spike_band"].iloc[-1]


@pytest.mark.parametrize(
    ("km", "band"),
    [
        (8.0, "reference"),
        (10.0, "reference"),
        (11.0, "reference"),  # exactly 10 %: still the reference group
        (11.01, "small"),
        (13.0, "small"),  # exactly 30 %
        (13.01, "moderate"),
        (20.0, "moderate"),  # exactly 100 %
        (20.01, "large"),
        (35.0, "large"),
    ],
)
def test_bands_and_boundaries(km, band):
    assert band_of_last((0, 10.0), (3, 6.0), (5, km)) == band


def test_ratio_and_reference_are_reported():
    table = history((0, 10.0), (2, 16.0))
    assert table["ref_longest_m"].iloc[1] == 10_000
    assert table["spike_ratio"].iloc[1] == pytest.approx(0.6)
    assert table["spike_band"].iloc[0] == "return_after_break"
    assert bool(table["first_in_record"].iloc[0]) and not bool(table["first_in_record"].iloc[1])


def test_reference_is_the_longest_run_not_the_last():
    assert band_of_last((0, 20.0), (10, 5.0), (20, 5.0), (25, 21.0)) == "reference"


def test_window_is_30_days_before_the_start():
    # a run exactly 30 days earlier is inside [t - 30 d, t); one second more and it is outside
    assert band_of_last((0, 10.0), (30, 10.0)) == "reference"
    table = spike_for_distances([T0, T0 + pd.Timedelta(days=30, seconds=1)], [10_000, 10_000])
    assert table["spike_band"].iloc[1] == "return_after_break"
    assert table["days_since_prev_run"].iloc[1] == pytest.approx(30, abs=1e-3)


def test_old_long_runs_drop_out_of_the_window():
    # 20 km on day 0 no longer protects a 12 km run on day 35 measured against 6 km on day 20
    assert band_of_last((0, 20.0), (20, 6.0), (35, 12.0)) == "moderate"


def test_return_after_break():
    table = history((0, 10.0), (45, 5.0), (47, 7.0))
    assert list(table["spike_band"]) == ["return_after_break", "return_after_break", "moderate"]
    assert table["days_since_prev_run"].iloc[1] == pytest.approx(45)


def test_same_day_runs_are_separate_sessions():
    base = T0 + pd.Timedelta(days=10)
    starts = [T0, base + pd.Timedelta(hours=0), base + pd.Timedelta(hours=9)]
    table = spike_for_distances(starts, [10_000, 12_000, 12_000])
    # the morning run is a small spike; the afternoon run is measured against the morning one
    assert list(table["spike_band"].iloc[1:]) == ["small", "reference"]
    # a double day never adds up: two 8 km runs after a 10 km run are both reference
    table = spike_for_distances(starts, [10_000, 8_000, 8_000])
    assert list(table["spike_band"].iloc[1:]) == ["reference", "reference"]


def test_identical_start_times_do_not_see_each_other():
    table = spike_for_distances([T0, T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=1)], [10_000, 5_000, 30_000])
    assert list(table["ref_longest_m"].iloc[1:]) == [10_000, 10_000]
    assert list(table["spike_band"].iloc[1:]) == ["reference", "large"]


def test_missing_distance_gets_no_band_and_is_not_a_reference():
    table = history((0, 10.0), (2, None), (4, 12.0))
    assert table["spike_band"].iloc[1] is None or pd.isna(table["spike_band"].iloc[1])
    assert table["ref_longest_m"].iloc[2] == 10_000
    assert table["spike_band"].iloc[2] == "small"


def test_missing_distance_still_counts_as_having_run():
    # only a distance-less run in the window: no reference, but not a return after a break either
    table = history((0, 10.0), (40, None), (45, 8.0))
    assert pd.isna(table["spike_band"].iloc[2])
    assert np.isnan(table["spike_ratio"].iloc[2])


def test_spike_table_refuses_unsorted_runs():
    frame = pd.DataFrame({"start_ns": [2, 1], "distance_m": [1.0, 2.0]})
    with pytest.raises(ValueError):
        spike_table(frame)


def test_empty_runs():
    table = spike_table(pd.DataFrame({"start_ns": np.array([], dtype=np.int64), "distance_m": np.array([])}))
    assert table.empty


# ---------------------------------------------------------------- properties
run_lists = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=200 * 24 * 60),  # start, minutes after T0
        st.one_of(st.none(), st.floats(min_value=0.5, max_value=50)),  # km
    ),
    min_size=1,
    max_size=60,
)


def _brute_force_reference(starts, km, i):
    window = [km[j] for j in range(len(starts))
              if starts[i] - 30 * 24 * 60 <= starts[j] < starts[i] and km[j] is not None]
    return max(window) * 1000 if window else np.nan


@settings(max_examples=80, deadline=None)
@given(run_lists)
def test_reference_never_uses_a_later_run(runs):
    runs = sorted(runs, key=lambda r: r[0])
    starts = [m for m, _ in runs]
    km = [k for _, k in runs]
    table = spike_for_distances([T0 + pd.Timedelta(minutes=m) for m in starts],
                                [k * 1000 if k is not None else np.nan for k in km])
    expected = [_brute_force_reference(starts, km, i) for i in range(len(runs))]
    np.testing.assert_allclose(table["ref_longest_m"].to_numpy(), expected)
    # adding a run after the last one changes nothing before it
    later = spike_for_distances(
        [T0 + pd.Timedelta(minutes=m) for m in starts] + [T0 + pd.Timedelta(minutes=starts[-1] + 1)],
        [k * 1000 if k is not None else np.nan for k in km] + [99_000.0],
    )
    np.testing.assert_allclose(later["ref_longest_m"].to_numpy()[:-1], expected)


@settings(max_examples=80, deadline=None)
@given(run_lists, st.integers(min_value=1, max_value=200 * 24 * 60), st.floats(min_value=0.0, max_value=1.0))
def test_adding_a_shorter_run_never_flags_it_or_raises_others(runs, at_minute, fraction):
    starts = [T0 + pd.Timedelta(minutes=m) for m, _ in runs]
    km = [k * 1000 if k is not None else np.nan for _, k in runs]
    before = spike_for_distances(starts, km)
    new_start = T0 + pd.Timedelta(minutes=at_minute, seconds=30)  # never equal to an existing start
    in_window = [d for s, d in zip(starts, km) if new_start - pd.Timedelta(days=30) <= s < new_start and d == d]
    if not in_window:
        return
    shorter = max(max(in_window) * fraction, 1.0)
    after = spike_for_distances(starts + [new_start], km + [shorter])
    # spike_for_distances keeps the input positions as the index: the new run is label len(runs)
    assert after.loc[len(runs), "spike_band"] == "reference"
    # every other run's ratio can only stay or fall (its reference can only grow)
    old, new = before["spike_ratio"].sort_index(), after["spike_ratio"].drop(index=len(runs)).sort_index()
    assert not (new > old + 1e-12).any()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=100)), min_size=1, max_size=40), st.data())
def test_range_max_matches_python(values, data):
    values = np.array([np.nan if v is None else v for v in values])
    n = len(values)
    lo = np.array(data.draw(st.lists(st.integers(0, n), min_size=5, max_size=5)))
    width = np.array(data.draw(st.lists(st.integers(0, n), min_size=5, max_size=5)))
    hi = np.minimum(lo + width, n)
    got = range_max(values, lo, hi)
    for g, a, b in zip(got, lo, hi):
        window = values[a:b]
        expected = np.nanmax(window) if len(window) and not np.isnan(window).all() else np.nan
        assert (np.isnan(g) and np.isnan(expected)) or g == expected


def test_date_type_of_inputs_is_free():
    # plain datetimes (naive = UTC) work as well as timestamps
    table = spike_for_distances([dt.datetime(2024, 1, 1, 7), dt.datetime(2024, 1, 3, 7)], [5000.0, 9000.0])
    assert table["spike_band"].iloc[1] == "moderate"
