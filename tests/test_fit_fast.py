"""The fast FIT path (ingest/fit_fast.py) gives exactly what the fitdecode path gives.

Every FIT file in tests/data, truncations of real files at many offsets, and hypothesis
mutations of real files: the imported result (every activity field, every sample column,
warnings, skip reasons, errors) must be identical on both paths. Files the fast path
declines are decoded by fitdecode, so they agree by construction; the test also pins
which corpus files are declined, so that coverage does not silently shrink.
"""
from __future__ import annotations

import random
import struct
from pathlib import Path

import fitdecode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fitdecode.utils import compute_crc

from kneeguard.ingest import fit_fast, fit_scan
from kneeguard.ingest.fit_decode import MESG_RECORD
from kneeguard.ingest.agreement import compare_paths
from tests import fuzz_support

ACTIVITIES = Path(__file__).parent / "data" / "activities"
FIT_FILES = sorted(ACTIVITIES.rglob("*.fit"))
DECLINED: set[str] = set()  # every corpus file takes the fast path (compressed speed/distance too, issue 18)
TRUNCATED_SEEDS = ["fitparse/Activity.fit", "fitparse/DeveloperData.fit", "fitparse/sample_mulitple_header.fit",
                   "fitparse/event_timestamp.fit", "fitparse/compressed-speed-distance.fit"]
MUTATION_SEEDS = [ACTIVITIES / name for name in (
    "fitparse/garmin-fenix-5-run.fit", "fitparse/developer-types-sample.fit",
    "fitparse/sample_mulitple_header.fit", "fitparse/event_timestamp.fit",
    "fitparse/compressed-speed-distance.fit")]


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
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, len(MUTATION_SEEDS) - 1))
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


def _rebuilt(data: bytes, edit) -> bytes:
    """The (single) FIT file's messages passed through `edit(frame, chunk) -> list of chunks`, with the header's
    data size and both CRCs made valid again."""
    reader = fitdecode.FitReader(data, keep_raw_chunks=True, check_crc=fitdecode.CrcCheck.DISABLED)
    header, body = b"", []
    for frame in reader:
        if frame.frame_type == fitdecode.FIT_FRAME_HEADER:
            header = frame.chunk.bytes
        elif frame.frame_type in (fitdecode.FIT_FRAME_DEFINITION, fitdecode.FIT_FRAME_DATA):
            body.extend(edit(frame, frame.chunk.bytes))
    joined = b"".join(body)
    head = bytearray(header)
    head[4:8] = struct.pack("<I", len(joined))
    if len(head) == 14:
        head[12:14] = struct.pack("<H", compute_crc(bytes(head[:12])))
    out = bytes(head) + joined
    return out + struct.pack("<H", compute_crc(out))


def test_compressed_speed_distance_accumulates_as_fitdecode_does():
    """The accumulated distance restarts at every record definition holding the field (a repeated one, and one
    of another local message, which shares fitdecode's accumulator); an all-0xFF field is invalid and leaves the
    total as it was; a plain distance field after it gives the message's distance."""
    data = (ACTIVITIES / "fitparse" / "compressed-speed-distance.fit").read_bytes()
    records = [0]
    definition: list[bytes] = []

    def edit(frame, chunk: bytes) -> list[bytes]:
        if frame.frame_type == fitdecode.FIT_FRAME_DEFINITION:
            if frame.global_mesg_num == MESG_RECORD and frame.field_defs:
                definition[:] = [chunk]
            return [chunk]
        if frame.def_mesg.global_mesg_num != MESG_RECORD:
            return [chunk]
        records[0] += 1
        index = records[0]
        if index in (200, 500):  # the same definition again: fitdecode restarts the total
            return [definition[0], chunk]
        if 300 <= index < 306:
            return [chunk[:1] + b"\xff\xff\xff" + chunk[4:]]  # invalid compressed field
        if 600 <= index < 620:  # local message 2: the same fields and a plain distance after them
            own = bytes([chunk[0] & 0x9F | 2 << 5]) if chunk[0] & 0x80 else bytes([chunk[0] & 0xF0 | 2])
            moved = own + chunk[1:] + struct.pack("<I", 100 * index)
            if index == 600:
                extended = bytearray(definition[0])
                extended[0] = extended[0] & 0xF0 | 2
                extended[5] += 1
                return [bytes(extended) + bytes([5, 4, 0x86]), moved]
            return [moved]
        return [chunk]

    edited = _rebuilt(data, edit)
    assert records[0] > 620
    scan = fit_scan.scan(edited)
    assert len(scan.accumulator_resets) == 4 and len(scan.accumulating) == 2
    assert fit_fast.decode(edited) is not None
    assert compare_paths("edited.fit", edited) == []
