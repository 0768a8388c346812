"""The curve runner: keypoints rebuilt from the authors' time-normalised curves (issue 15, fourth pass)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kneeguard.gait.analysis import analyze_gait
from kneeguard.gait.io.forces import force_events, summarize_events
from kneeguard.gait.io.mocap import fill_gaps, joint_centres, read_markers
from kneeguard.gait.io.processed import read_processed
from kneeguard.gait.validation import curve_runner
from kneeguard.gait.validation.validate import match_events

FUKUCHI = Path(__file__).parent / "data" / "gait" / "fukuchi2017"


@pytest.fixture(scope="module")
def marker_trial():
    trial = read_markers(FUKUCHI / "RBDS001runT25markers.txt")
    static = read_markers(FUKUCHI / "RBDS001static.c3d")
    contacts = force_events(FUKUCHI / "RBDS001runT25forces.txt", trial)
    return trial, static, contacts


@pytest.fixture(scope="module")
def runner(marker_trial):
    trial, static, contacts = marker_trial
    table = read_processed(FUKUCHI / "RBDS001processed.txt")
    return curve_runner.build_runner(table, static, "25", curve_runner.pelvis_tilt_deg(trial),
                                     curve_runner.left_phase(contacts))


def test_linkage_angles_follow_the_marker_trial(marker_trial):
    """The Visual3D sign conventions as used by the linkage: its thigh and shank follow the 2.5 m/s markers."""
    trial, static, contacts = marker_trial
    table = read_processed(FUKUCHI / "RBDS001processed.txt")
    tilt = curve_runner.pelvis_tilt_deg(trial)
    centres = joint_centres(fill_gaps(trial), static, hip="pelvis")
    for side in ("right", "left"):
        curves = curve_runner.side_curves(table, "25", side, 62.0, 20.0)
        ics = np.sort(contacts.loc[contacts["side"] == side, "ic_time_s"].to_numpy())
        phase = np.linspace(0, 1, 101)
        times = np.concatenate([a + phase * (b - a) for a, b in zip(ics[:-1], ics[1:])])
        for proximal, distal, model in (("hip", "knee", curves.hip(phase) - tilt),
                                        ("knee", "ankle", curves.hip(phase) - tilt - curves.knee(phase))):
            angle = curve_runner.segment_angle(centres[f"{side}_{proximal}"][:, :2], centres[f"{side}_{distal}"][:, :2])
            measured = np.interp(times, trial.times, angle).reshape(-1, 101).mean(axis=0)
            assert np.corrcoef(measured, model)[0, 1] > 0.95
            assert abs(np.mean(measured - model)) < 3.0


def test_truth_is_the_force_curve_and_the_default_rule_finds_every_contact(runner):
    contacts = runner.contacts
    assert 0.38 < runner.stance_fraction["right"] < 0.42  # the authors' GRF falls below 20 N at 40.2 %
    assert len(contacts) == pytest.approx(2 * 30.0 / runner.stride_s, abs=2)
    report = analyze_gait(runner.series, view="side", height_cm=181, treadmill=True)
    matched = match_events(report.events, contacts, "to_time_s", runner.stride_s / 4)
    assert len(matched) >= len(contacts) - 1  # only a contact cut by the clip's start may be missed
    assert np.median(np.abs(matched["error_ms"])) < 15.0


def test_stride_time_from_kinematics_is_reported_short(runner, marker_trial):
    """Known limitation (docs/validation.md, fourth pass): the belt-speed rule gives 0.639 s, not 0.765 s."""
    stride = 2 * summarize_events(marker_trial[2])["step_time_s"]
    assert runner.stride_s == pytest.approx(0.639, abs=0.01)
    assert runner.stride_s < 0.9 * stride


@pytest.mark.xfail(strict=True, reason="the kinematic stride time is 16.5 % short at 2.5 m/s (docs, fourth pass)")
def test_stride_time_within_5_percent_of_the_force_plate(runner, marker_trial):
    stride = 2 * summarize_events(marker_trial[2])["step_time_s"]
    assert runner.stride_s == pytest.approx(stride, rel=0.05)
