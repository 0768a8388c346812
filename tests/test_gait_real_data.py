"""Gait events on real data: Fukuchi 2017 motion capture (force-plate truth) and the male_side Halpe26 clip.

Tolerances are the issue-3 targets where the analysis meets them; where it does not, they are the measured
value plus a margin and say so (MEASURED), so a regression still fails. See docs/validation.md.
"""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "gait"
FUKUCHI = DATA / "fukuchi2017"
MALE_SIDE = DATA / "gaitlab_male_side" / "male_side.pose.json"
MALE_SIDE_MEDIAPIPE = DATA / "male_side.mediapipe.json"


@pytest.fixture(scope="module")
def mocap_results():
    from kneeguard.gait.validation.validate import load_reference, validate_mocap

    ref = load_reference(FUKUCHI / "RBDS001runT25markers.txt", FUKUCHI / "RBDS001runT25forces.txt",
                         FUKUCHI / "RBDS001static.c3d", FUKUCHI / "RBDS001processed.txt")
    return validate_mocap(reference=ref)


@pytest.mark.parametrize("rate", ["150", "60", "30"])
def test_fukuchi_events_within_one_frame(mocap_results, rate):
    r = mocap_results[rate]
    assert r["n_matched_ic"] >= 75 and r["n_matched_to"] >= 75  # of 77 force-plate contacts
    assert r["ic_error_ms_median"] <= r["frame_ms"]  # target
    # target one frame; MEASURED at 150 Hz against the 20 N truth: 7.4 ms (frame 6.7 ms), knee extension
    # comes ≈ 7 ms after the force falls below 20 N (docs/validation.md, second pass)
    assert r["to_error_ms_median"] <= (9.0 if rate == "150" else r["frame_ms"])
    assert r["cadence_error_pct"] <= 1.0  # target
    assert r["knee_peak_error_deg"] <= 3.0  # target


def test_fukuchi_contact_time_and_knee_at_150hz(mocap_results):
    r = mocap_results["150"]
    assert r["contact_time_error_ms"] <= 10.0  # target
    assert r["knee_ic_error_deg"] <= 3.0  # target (measured 1.7°)


def test_fukuchi_knee_ic_at_video_rates(mocap_results):
    # target 3°: measured 1.8° at 60 and 2.5° at 30 fps (6.9° at 30 fps before the Hampel fix)
    assert mocap_results["60"]["knee_ic_error_deg"] <= 3.0
    assert mocap_results["30"]["knee_ic_error_deg"] <= 3.0  # target; was 6.9° before the Hampel fix


@pytest.mark.parametrize("rate", ["150+noise", "60+noise", "30+noise"])
def test_fukuchi_with_pose_noise(mocap_results, rate):
    # 8 px noise, 20 N truth: IC 5.0/5.1/6.5 ms, TO 8.9/12.5/9.3 ms (20.4 ms at 60 fps before the noise-matched
    # filtering and the knee-extension TO); target one frame, MEASURED 8.9 ms at 150 Hz (frame 6.7 ms)
    r = mocap_results[rate]
    assert r["ic_error_ms_median"] <= r["frame_ms"]
    assert r["to_error_ms_median"] <= (11.0 if rate == "150+noise" else r["frame_ms"])
    assert r["cadence_error_pct"] <= 1.0
    assert r["knee_ic_error_deg"] <= 3.0 and r["knee_peak_error_deg"] <= 3.0


def test_male_side_halpe26_clip():
    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.io.halpe26 import read_halpe26

    summary = analyze_gait(read_halpe26(MALE_SIDE)).summary
    assert summary["cadence_spm"] == pytest.approx(168.9, rel=0.01)  # raw-pixel ground truth
    assert 180 <= summary["contact_time_ms"] <= 320  # physiological band (groundtruth.json)
    assert 0.25 <= summary["duty_factor"] <= 0.48


def _alternation(events) -> float:
    sides = events.sort_values("ic_time_s")["side"].to_numpy()
    return float((sides[1:] != sides[:-1]).mean())


def test_male_side_sides_alternate_with_both_pose_models():
    # issue 3: no left/right swap left in the per-step sequence. MediaPipe draws the half-hidden far leg on
    # the near one for a few frames around each crossing; before collapse removal and the stride-rhythm and
    # visibility cues in the swap search, 23 % of consecutive contacts were same-side (measured 100 % now)
    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.io.halpe26 import read_halpe26
    from kneeguard.gait.io.schema_json import read_keypoints_json

    mediapipe = analyze_gait(read_keypoints_json(MALE_SIDE_MEDIAPIPE))
    assert _alternation(mediapipe.events) >= 0.95  # target 1.0
    assert mediapipe.summary["cadence_spm"] == pytest.approx(168.9, rel=0.01)
    assert 180 <= mediapipe.summary["contact_time_ms"] <= 320
    assert 0.25 <= mediapipe.summary["duty_factor"] <= 0.48
    assert _alternation(analyze_gait(read_halpe26(MALE_SIDE)).events) == 1.0


def test_fukuchi_combined_toe_off_rule_meets_one_frame():
    """forward_and_knee_lsq (available by name, not the default: docs/validation.md fifth pass), seed 0:
    TO 4.1 / 4.7 / 5.1 ms noise-free and 8.7 / 10.4 / 9.7 ms with 8 px noise at 150 / 60 / 30 fps."""
    from kneeguard.gait.events import EventParameters
    from kneeguard.gait.validation.validate import load_reference, validate_mocap

    ref = load_reference(FUKUCHI / "RBDS001runT25markers.txt", FUKUCHI / "RBDS001runT25forces.txt",
                         FUKUCHI / "RBDS001static.c3d", FUKUCHI / "RBDS001processed.txt")
    results = validate_mocap(reference=ref, event_parameters=EventParameters(to_rule="forward_and_knee_lsq"))
    for rate, r in results.items():
        assert r["n_matched_to"] == 77 and r["contact_time_error_ms"] <= 10.0
        assert r["to_error_ms_median"] <= (11.0 if rate == "150+noise" else r["frame_ms"])  # 150+noise: MEASURED 8.7
