"""Worked examples from the evidence notes: TRIMP, monotony/strain, ACWR, PMC."""
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kneeguard import evidence
from kneeguard.load import (
    banister_constants,
    banister_trimp,
    banister_trimp_from_histogram,
    banister_weights,
    decay_alpha,
    edwards_trimp,
    edwards_weights,
    ewma_acwr,
    monotony,
    monotony_series,
    performance_chart,
    rolling_acwr,
    session_rpe_load,
    strain,
    zone_distribution,
    zone_seconds,
)


def days(values, start="2024-01-01"):
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), name="date"))


# ---------------------------------------------------------------- TRIMP
def test_banister_worked_example_male_and_female():
    a, b, _ = banister_constants("male")
    assert banister_trimp(30, 130, 40, 200, a, b) == pytest.approx(31.8, abs=0.1)
    a, b, _ = banister_constants("female")
    assert banister_trimp(30, 130, 40, 200, a, b) == pytest.approx(37.1, abs=0.1)


def test_banister_unknown_sex_uses_registry_constants():
    assert banister_constants(None)[:2] == tuple(evidence.value("load.trimp.unknown"))


def test_banister_from_histogram_equals_constant_hr_formula():
    histogram = np.zeros(256)
    histogram[130] = 30 * 60
    weights = banister_weights(40, 200, 0.64, 1.92)
    assert banister_trimp_from_histogram(histogram, weights) == pytest.approx(31.8, abs=0.1)


def test_banister_per_sample_exceeds_average_hr_for_variable_effort():
    # convex weighting: 15 min at 110 + 15 min at 150 > 30 min at the average 130
    histogram = np.zeros(256)
    histogram[[110, 150]] = 15 * 60
    per_sample = banister_trimp_from_histogram(histogram, banister_weights(40, 200, 0.64, 1.92))
    assert per_sample > banister_trimp(30, 130, 40, 200, 0.64, 1.92)


def test_banister_hr_below_rest_carries_no_load():
    assert banister_trimp(60, 35, 40, 200, 0.64, 1.92) == 0.0


def test_histogram_matrix_product_matches_row_by_row():
    rng = np.random.default_rng(1)
    matrix = rng.uniform(0, 30, (5, 256))
    weights = banister_weights(50, 190, 0.64, 1.92)
    rows = [banister_trimp_from_histogram(row, weights) for row in matrix]
    np.testing.assert_allclose(banister_trimp_from_histogram(matrix, weights), rows)


def test_edwards_worked_example():
    assert edwards_trimp([10, 20, 15, 10, 5]) == 160.0


def test_edwards_from_histogram():
    hr_max = 200
    histogram = np.zeros(256)
    for minutes, bpm in zip([10, 20, 15, 10, 5], [110, 130, 150, 170, 190]):
        histogram[bpm] = minutes * 60
    histogram[80] = 600  # below 50 % HRmax: no Edwards load
    assert banister_trimp_from_histogram(histogram, edwards_weights(hr_max)) == pytest.approx(160.0)


def test_zone_edges_belong_to_the_zone_they_open():
    histogram = np.zeros((1, 256))
    histogram[0, [99, 100, 120, 180, 200, 210]] = 60
    seconds = zone_seconds(histogram, 200)[0]
    # 99 below z1; 100 opens z1; 120 opens z2; 180 opens z5; 200 and 210 stay in z5
    np.testing.assert_allclose(seconds, [60, 60, 60, 0, 0, 180])
    distribution = zone_distribution(histogram, 200)
    assert distribution.sum() == pytest.approx(1.0)
    assert zone_distribution(np.zeros((0, 256)), 200).isna().all()


def test_session_rpe():
    assert session_rpe_load(5, 40) == 200.0


# ---------------------------------------------------------------- monotony
def test_monotony_population_sd_and_strain():
    week = [0, 20, 10, 10, 10, 10, 10]
    assert monotony(week) == pytest.approx(10 / math.sqrt(200 / 7))
    assert monotony(week) == pytest.approx(1.871, abs=5e-4)
    assert strain(week) == pytest.approx(130.96, abs=0.01)
    assert monotony([5, 15, 20, 20, 20, 25, 35]) == pytest.approx(2.366, abs=5e-4)
    assert evidence.value("load.monotony.sd") == "population"


def test_monotony_flat_and_empty_weeks():
    assert monotony([30] * 7) == 10.0
    assert monotony([0] * 7) == 0.0


def test_monotony_series_matches_scalar_and_needs_a_full_week():
    loads = days([0, 20, 10, 10, 10, 10, 10, 40])
    series = monotony_series(loads)
    assert series["monotony"].iloc[:6].isna().all()
    assert series["monotony"].iloc[6] == pytest.approx(monotony([0, 20, 10, 10, 10, 10, 10]))
    assert series["monotony"].iloc[7] == pytest.approx(monotony([20, 10, 10, 10, 10, 10, 40]))
    assert series["weekly_load"].iloc[6] == 70
    assert series["strain"].iloc[6] == pytest.approx(130.96, abs=0.01)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=2000, allow_nan=False), min_size=7, max_size=30))
def test_monotony_is_never_negative(loads):
    series = monotony_series(days(loads))["monotony"].dropna()
    assert (series >= 0).all() and (series <= 10).all()
    assert 0 <= monotony(loads[:7]) <= 10


# ---------------------------------------------------------------- ACWR
def test_acwr_worked_example():
    loads = days([30] * 21 + [50] * 7)
    assert ewma_acwr(loads)["acwr"].iloc[-1] == pytest.approx(1.250, abs=5e-4)
    assert rolling_acwr(loads).iloc[-1] == pytest.approx(1.429, abs=5e-4)
    assert rolling_acwr(loads, coupled=False).iloc[-1] == pytest.approx(1.667, abs=5e-4)


def test_ewma_seed_is_first_day_and_lambda_is_two_over_n_plus_one():
    frame = ewma_acwr(days([40, 0]))
    assert frame["acute"].iloc[0] == 40 and frame["chronic"].iloc[0] == 40
    assert frame["acute"].iloc[1] == pytest.approx(40 * (1 - 2 / 8))
    assert frame["chronic"].iloc[1] == pytest.approx(40 * (1 - 2 / 29))


def test_acwr_undefined_without_chronic_load():
    assert ewma_acwr(days([0, 0, 0]))["acwr"].isna().all()


# ---------------------------------------------------------------- PMC
def test_pmc_alphas_and_single_load():
    assert decay_alpha(42) == pytest.approx(0.023528, abs=1e-6)
    assert decay_alpha(7) == pytest.approx(0.133122, abs=1e-6)
    chart = performance_chart(days([1000, 0, 0]))
    assert chart["fitness"].iloc[0] == pytest.approx(23.5, abs=0.05)
    assert chart["fatigue"].iloc[0] == pytest.approx(133.1, abs=0.05)


def test_pmc_form_is_shown_the_next_day():
    chart = performance_chart(days([1000, 0, 0]))
    assert chart["form"].iloc[0] == 0.0
    assert chart["form"].iloc[1] == pytest.approx(chart["fitness"].iloc[0] - chart["fatigue"].iloc[0])


def test_pmc_steady_load_approaches_the_load():
    chart = performance_chart(days([100] * 42))
    assert chart["fitness"].iloc[-1] == pytest.approx(100 * (1 - math.exp(-1)), abs=0.1)  # 63.2 in the notes
    assert chart["ramp_7d"].iloc[-1] > 0
