"""Large GPX files are streamed (issue 14, item 4); gpxpy stays the reference: both
paths give the same activity on the real GPX corpus."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kneeguard.ingest import gpx
from kneeguard.ingest.model import IngestError

CORPUS = sorted((Path(__file__).parent / "data" / "activities").rglob("*.gpx"))
SUMMARY = ("sport", "start", "distance_m", "moving_s", "elapsed_s", "avg_hr", "max_hr", "avg_cadence_spm",
           "ascent_m", "device", "name", "warnings")


def both_paths(monkeypatch, path: Path):
    results = []
    for threshold in (10**12, 0):  # gpxpy, then the stream
        monkeypatch.setattr(gpx, "STREAM_FROM_BYTES", threshold)
        try:
            results.append(gpx.read_gpx(path.name, path.read_bytes(), "hash"))
        except IngestError as exc:
            results.append(str(exc))
    return results


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_streamed_gpx_equals_gpxpy_on_the_real_corpus(monkeypatch, path):
    by_gpxpy, streamed = both_paths(monkeypatch, path)
    if isinstance(by_gpxpy, str):
        assert streamed == by_gpxpy
        return
    assert (streamed.skipped_reason, streamed.warnings) == (by_gpxpy.skipped_reason, by_gpxpy.warnings)
    assert len(streamed.activities) == len(by_gpxpy.activities)
    for mine, reference in zip(streamed.activities, by_gpxpy.activities):
        for name in SUMMARY:
            expected = getattr(reference, name)
            assert getattr(mine, name) == (pytest.approx(expected, rel=1e-9) if isinstance(expected, float)
                                           else expected), name
        pd.testing.assert_frame_equal(mine.samples, reference.samples)
        assert np.allclose(mine.hr_seconds_by_bpm or [], reference.hr_seconds_by_bpm or [])


def test_stream_drops_points_without_position_and_clears_what_it_read(monkeypatch):
    data = (b'<gpx creator="t"><trk><type>9</type><trkseg>'
            b'<trkpt lat="47" lon="8"><time>2024-05-01T06:00:00Z</time></trkpt>'
            b'<trkpt lon="8.1"><time>2024-05-01T06:00:01Z</time></trkpt>'
            b'<trkpt lat="47.0001" lon="8"><ele></ele><time>2024-05-01T06:00:10Z</time></trkpt>'
            b'</trkseg></trk></gpx>')
    monkeypatch.setattr(gpx, "STREAM_FROM_BYTES", 0)
    parsed = gpx.read_gpx("x.gpx", data, "hash")
    assert parsed.warnings == ["dropped 1 track points without latitude/longitude"]
    (run,) = parsed.activities
    assert run.sport == "running" and len(run.samples) == 2 and run.device == "t"
