"""Fuzz the readers with mutations of real files (issue 14, item 6): no input may
end in anything but a result or a UserError, and no returned activity may hold a
value outside the plausibility limits. Short by design (the long run is
`scripts/fuzz.py N`); crashers found are kept in tests/data/fuzz/ and replayed."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_support

FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])
REGRESSION_FILES = sorted(p for p in fuzz_support.REGRESSIONS.glob("*") if p.is_file() and p.name != "README.md")


@pytest.mark.parametrize("kind", list(fuzz_support.READERS))
@FUZZ
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 7))
def test_mutated_real_files_end_in_a_result_or_one_user_error(kind, seed, which):
    seeds = fuzz_support.seed_for(kind)
    name, data = seeds[which % len(seeds)]
    mutated = fuzz_support.mutate(data, random.Random(seed), kind)
    assert fuzz_support.check_input(kind, name, mutated) is None


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=lambda p: p.name)
def test_kept_crashers_stay_fixed(path: Path):
    kind = path.name.split("-", 1)[0]
    assert fuzz_support.check_input(kind, f"input{path.suffix}", path.read_bytes()) is None


def test_deep_json_and_truncated_c3d_are_kept_as_regressions():
    names = {p.name for p in REGRESSION_FILES}
    assert {"answers-deep.json", "keypoints-deep.json", "c3d-truncated.c3d"} <= names


def test_no_returned_activity_violates_the_plausibility_limits():
    plausibility = pytest.importorskip("kneeguard.ingest.plausibility")
    for kind in ("fit", "gpx", "tcx"):
        for name, data in fuzz_support.seed_for(kind):
            for activity in fuzz_support.READERS[kind](name, data):
                assert plausibility.violations(activity) == [], name
