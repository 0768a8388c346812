"""The fast FIT path (ingest/fit_fast.py) gives exactly what the fitdecode path gives.

Every FIT file in tests/data, truncations of real files at many offsets, and hypothesis
mutations of real files: the imported result (every activity field, every sample column,
warnings, skip reasons, errors) must be identical on both paths. Files the fast path
declines are decoded by fitdecode, so they agree by construction; the test also pins
which corpus files are declined, so that coverage does not silently shrink.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeguard.ingest import fit_fast
from kneeguard.ingest.agreement import compare_paths
from tests import fuzz_support

ACTIVITIES = Path(__file__).parent / "data" / "activities"
FIT_FILES = sorted(ACTIVITIES.rglob("*.fit"))
# Compressed speed/distance (accumulated distance): left to fitdecode.
DECLINED = {"compressed-speed-distance.fit", "null_compressed_speed_dist.fit"}
TRUNCATED_SEEDS = ["fitparse/Activity.fit", "fitparse/DeveloperData.fit", "fitparse/sample_mulitple_header.fit",
                   "fitparse/event_timestamp.fit", "fitparse/compressed-speed-distance.fit"]
MUTATION_SEEDS = [ACTIVITIES / name for name in (
    "fitparse/garmin-fenix-5-run.fit", "fitparse/developer-types-sample.fit",
    "fitparse/sample_mulitple_header.fit", "fitparse/event_timestamp.fit")]


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_corpus_file_imports_identically_on_both_paths(path: Path):
    data = path.read_bytes()
    assert compare_paths(path.name, data) == []
    assert (fit_fast.decode(data) is None) == (path.name in DECLINED), fit_fast.why_declined(data)


@pytest.mark.parametrize("name", TRUNCATED_SEEDS)
def test_truncated_files_keep_what_fitdecode_keeps(name: str):
    data = (ACTIVITIES / name).read_bytes()
    rng = random.Random(name)
    cuts = {12, 13, 14, 15, 20, len(data) - 1, len(data) - 2, len(data) - 3} | set(rng.sample(range(12, len(data)), 25))
    for cut in sorted(cuts):
        assert compare_paths(name, data[:cut]) == [], f"cut at {cut}"


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 3))
def test_mutated_files_import_identically_on_both_paths(seed: int, which: int):
    data = fuzz_support.mutate(MUTATION_SEEDS[which].read_bytes(), random.Random(seed), "fit")
    assert compare_paths("mutant.fit", data) == []


def test_chained_files_and_damage_are_decoded_fast():
    """The cases fitfast rejects (bad CRC, truncation, trailing garbage, undefined local message)."""
    for name in ("activity-activity-filecrc.fit", "activity-filecrc.fit", "activity-settings-corruptheader.fit",
                 "activity-settings-nodata.fit", "activity-unexpected-eof.fit", "nick.fit",
                 "strava-android-app-201.10-b1218918.fit", "sample_mulitple_header.fit"):
        decoded = fit_fast.decode((ACTIVITIES / "fitparse" / name).read_bytes())
        assert decoded is not None, name
