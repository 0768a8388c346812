"""Keypoint/motion-capture loaders and writers on the real Fukuchi and GaitLab files."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kneeguard.gait.io import (
    KeypointFileError, estimate_metres_per_px, read_halpe26, read_keypoints_json, read_mot, read_trc,
    write_keypoints_json, write_mot, write_trc,
)
from kneeguard import evidence
from kneeguard.gait.io.forces import detect_contacts, force_events, read_c3d_vertical_force, read_forces, summarize_events
from kneeguard.gait.io.mocap import MOCAP_NAMES, MarkerTrial, fill_gaps, joint_centres, read_markers, rigid_transforms
from kneeguard.gait.io.processed import knee_reference
from kneeguard.gait.keypoints import CANONICAL_NAMES, KeypointSeries
from kneeguard.gait.validation.virtual_camera import VirtualCamera, add_noise, mocap_keypoints, resample

DATA = Path(__file__).parent / "data" / "gait"
FUKUCHI = DATA / "fukuchi2017"
RUN_MARKERS = FUKUCHI / "RBDS001runT25markers.txt"
RUN_FORCES = FUKUCHI / "RBDS001runT25forces.txt"
STATIC_TXT = FUKUCHI / "RBDS001static.txt"
STATIC_C3D = FUKUCHI / "RBDS001static.c3d"
PROCESSED = FUKUCHI / "RBDS001processed.txt"
HALPE = DATA / "gaitlab_male_side" / "male_side.pose.json"


@pytest.fixture(scope="module")
def run_trial() -> MarkerTrial:
    return read_markers(RUN_MARKERS)


@pytest.fixture(scope="module")
def static_trial() -> MarkerTrial:
    return read_markers(STATIC_C3D)


@pytest.fixture(scope="module")
def contacts(run_trial):
    return force_events(RUN_FORCES, run_trial)


# --- motion capture -----------------------------------------------------------

def test_running_markers_load_with_rate_and_units(run_trial):
    assert run_trial.rate == 150.0 and run_trial.n_frames == 4500
    assert len(run_trial.labels) == 32 and "R.Heel.Bottom" in run_trial.labels
    pelvis_height = np.nanmean(run_trial.marker("R.ASIS")[:, 1])
    assert 900 < pelvis_height < 1200  # mm, Y up


def test_static_c3d_matches_static_text(static_trial):
    text = read_markers(STATIC_TXT)
    assert static_trial.rate == text.rate == 150.0
    assert set(static_trial.labels) == set(text.labels) and len(text.labels) == 48
    for label in text.labels:
        np.testing.assert_allclose(static_trial.marker(label), text.marker(label), atol=0.01)


def test_rigid_transform_recovers_a_known_motion():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=(4, 3)) * 50
    angle = np.radians(30)
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    moving = (ref @ rot.T + [10.0, 20.0, 30.0])[None].repeat(3, axis=0)
    moving[2, 0] = np.nan  # three markers are still enough
    r, t = rigid_transforms(ref, moving)
    np.testing.assert_allclose(r, np.broadcast_to(rot, (3, 3, 3)), atol=1e-9)
    np.testing.assert_allclose(t[0], [10, 20, 30], atol=1e-9)


def test_joint_centres_are_anatomically_ordered(run_trial, static_trial):
    centres = joint_centres(fill_gaps(run_trial), static_trial)
    assert list(centres) == list(MOCAP_NAMES)
    height = {name: np.nanmedian(v[:, 1]) for name, v in centres.items()}
    for side in ("left", "right"):
        assert height[f"{side}_hip"] > height[f"{side}_knee"] > height[f"{side}_ankle"] > height[f"{side}_heel"]
        thigh = np.linalg.norm(centres[f"{side}_hip"] - centres[f"{side}_knee"], axis=1)
        assert np.nanstd(thigh) < 15 and 380 < np.nanmedian(thigh) < 480  # mm; near-rigid segment
    assert all(np.isfinite(v).all() for v in centres.values())


def test_side_view_projection_is_plausible(run_trial, static_trial):
    series = mocap_keypoints(run_trial, static_trial, person_height_m=1.81)
    assert series.units == "px" and series.frame_size == (1920, 1080) and series.fps == 150.0
    assert series.meta["view"] == "side" and series.meta["facing"] == "right"
    inside = (series.xy[..., 0] > 0) & (series.xy[..., 0] < 1920) & (series.xy[..., 1] > 0) & (series.xy[..., 1] < 1080)
    assert inside.all()
    # heels below hips in the image (y down); toe ahead of heel on average when facing right
    assert np.median(series.point("right_heel")[:, 1]) > np.median(series.point("right_hip")[:, 1]) + 250
    leg = np.median(series.point("right_heel")[:, 1] - series.point("right_hip")[:, 1])
    assert 300 < leg < 450  # ≈ 0.9 m at ≈ 430 px/m


def test_rear_view_and_metres(run_trial, static_trial):
    rear = mocap_keypoints(run_trial, static_trial, camera=VirtualCamera(view="rear", units="m"))
    assert rear.units == "m" and rear.frame_size == (0, 0)
    width = np.median(rear.point("right_hip")[:, 0] - rear.point("left_hip")[:, 0])
    assert 0.25 < width < 0.45  # right hip appears right of the left one when seen from behind
    ortho = mocap_keypoints(run_trial, static_trial, camera=VirtualCamera(model="orthographic"))
    assert np.isfinite(ortho.xy).all()


def test_resample_and_noise(run_trial, static_trial):
    native = mocap_keypoints(run_trial, static_trial)
    at30 = resample(native, 30.0)
    assert at30.fps == 30.0 and at30.n_frames == 900
    np.testing.assert_allclose(at30.xy[::1], native.xy[::5][: at30.n_frames], atol=1e-6)  # 150/30 is exact
    at60 = resample(native, 60.0)
    assert at60.n_frames == 1800 and np.isfinite(at60.xy).all()
    noisy = add_noise(at60, 8.0, seed=3)
    diff = noisy.xy - at60.xy
    assert 7.0 < diff.std() < 9.0
    np.testing.assert_array_equal(noisy.xy, add_noise(at60, 8.0, seed=3).xy)  # seeded


def test_force_contacts_match_the_manifest(contacts):
    # the manifest's numbers are for an 80 N threshold; the registry's 20 N ends each contact ≈ 20 ms later
    facts = summarize_events(contacts)
    assert facts["contact_time_s_mean"] == pytest.approx(0.2855, abs=0.002)
    forces = read_forces(FUKUCHI / "RBDS001runT25forces.txt")
    at80 = summarize_events(detect_contacts(forces["time_s"].to_numpy(), forces["Fy"].to_numpy(), threshold_n=80.0))
    assert at80["contact_time_s_mean"] == pytest.approx(0.264, abs=0.004) and at80["n_contacts"] == len(contacts)
    assert facts["step_time_s"] == pytest.approx(0.382, abs=0.003)
    assert facts["cadence_spm"] == pytest.approx(157, abs=1.0)
    assert facts["duty_factor"] == pytest.approx(0.373, abs=0.005) and at80["duty_factor"] == pytest.approx(0.35, abs=0.01)
    assert contacts["peak_force_n"].median() == pytest.approx(1355, rel=0.05)
    assert set(contacts["side"]) == {"left", "right"}
    assert contacts.attrs["side_check"]["alternating_fraction"] == 1.0


def test_contact_detection_drops_cut_and_short_contacts():
    t = np.arange(0, 1, 0.01)
    f = np.zeros_like(t)
    f[:10] = 500  # cut by the start
    f[30:32] = 500  # 20 ms spike
    f[50:80] = 500
    f[95:] = 500  # cut by the end
    found = detect_contacts(t, f)
    assert len(found) == 1
    threshold = evidence.value("gait.validation.contact_force_n")  # crossing interpolated from 0 to 500 N
    assert found["ic_time_s"].iloc[0] == pytest.approx(0.49 + 0.01 * threshold / 500, abs=1e-4)


def test_c3d_without_force_channels_says_so():
    with pytest.raises(ValueError, match="no force-plate channels"):
        read_c3d_vertical_force(STATIC_C3D)


def test_processed_knee_reference():
    ref = knee_reference(PROCESSED)
    assert ref["right"].ic_deg == pytest.approx(13.4, abs=0.05)
    assert ref["left"].ic_deg == pytest.approx(10.3, abs=0.05)
    assert ref["right"].peak_stance_deg == pytest.approx(42.2, abs=0.05)
    assert ref["left"].peak_stance_deg == pytest.approx(41.9, abs=0.05)
    assert 14 <= ref["right"].peak_pct <= 18 and ref["right"].stance_end_pct == pytest.approx(40, abs=1)
    assert knee_reference(PROCESSED, "45")["right"].peak_stance_deg == pytest.approx(43.6, abs=0.05)


# --- Halpe-26 ------------------------------------------------------------------

def test_halpe26_real_file():
    series = read_halpe26(HALPE)
    assert series.n_frames == 360 and series.fps == 30.0 and series.frame_size == (720, 1280)
    assert set(series.names) == set(CANONICAL_NAMES)
    assert series.meta["view"] == "side" and series.meta["facing"] == "left"
    assert series.has("left_heel") and series.has("right_toe")
    assert ((series.visibility >= 0) & (series.visibility <= 1)).all()
    first = json.loads(HALPE.read_text())["frames"][0]
    names = json.loads(HALPE.read_text())["keypoint_names"]
    np.testing.assert_allclose(series.point("left_toe")[0], first[names.index("l_big_toe")][:2])
    np.testing.assert_allclose(series.point("right_heel")[0], first[names.index("r_heel")][:2])


def test_halpe26_plain_list_with_index_mapping(tmp_path):
    frames = []
    for f in range(3):
        kp = [[float(i), float(100 + i + f), 0.9] for i in range(26)]
        frames.append(kp)
    frames.append([])  # nobody in this frame
    path = tmp_path / "halpe.json"
    path.write_text(json.dumps(frames))
    series = read_halpe26(path, fps=60, frame_size=(640, 480))
    assert series.fps == 60 and series.n_frames == 4
    np.testing.assert_allclose(series.point("left_heel")[0], [24, 124])
    np.testing.assert_allclose(series.point("right_toe")[1], [21, 122])
    assert np.isnan(series.point("nose")[3]).all() and series.visibility[3].max() == 0
    with pytest.raises(ValueError, match="frame rate"):
        read_halpe26(path)


# --- own JSON, TRC, MOT ------------------------------------------------------

def _series(frames: int = 5, units: str = "px") -> KeypointSeries:
    rng = np.random.default_rng(0)
    names = ["left_hip", "left_knee", "left_ankle", "right_hip", "right_knee", "right_ankle"]
    xy = rng.uniform(0, 500, size=(frames, len(names), 2))
    xy[1, 2] = np.nan
    vis = np.where(np.isfinite(xy).all(axis=2), 0.8, 0.0)
    return KeypointSeries(names, xy, vis, fps=30.0, frame_size=(720, 1280), units=units,
                          source="test", meta={"view": "side", "n": np.int64(3), "arr": np.arange(2)})


def test_schema_json_round_trip(tmp_path):
    series = _series()
    back = read_keypoints_json(write_keypoints_json(series, tmp_path / "k.json"))
    assert back.names == series.names and back.fps == 30.0 and back.frame_size == (720, 1280)
    np.testing.assert_allclose(back.xy, series.xy, atol=1e-3)
    np.testing.assert_allclose(back.visibility, series.visibility)
    assert back.meta == {"view": "side", "n": 3, "arr": [0, 1]}
    raw = json.loads((tmp_path / "k.json").read_text())
    assert raw["format"] == "kneeguard.keypoints" and raw["version"] == 1 and raw["frames"][1][2][0] is None


@pytest.mark.parametrize("patch, message", [
    ({"version": 99}, "unsupported version"),
    ({"format": "other"}, "not a kneeguard keypoint file"),
    ({"fps": 0}, "fps"),
    ({"names": ["left_hip", "elbow"]}, "unknown keypoint names"),
    ({"units": "cm"}, "units"),
    ({"frames": [[[1, 2, 3]]]}, "frame 0"),
])
def test_schema_json_rejects_bad_files(tmp_path, patch, message):
    data = {"format": "kneeguard.keypoints", "version": 1, "fps": 30, "units": "px", "frame_size": [0, 0],
            "names": ["left_hip"], "frames": [[[1.0, 2.0, 1.0]]]}
    data.update(patch)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(KeypointFileError, match=message):
        read_keypoints_json(path)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-2000, 2000, allow_nan=False), min_size=4, max_size=4), st.floats(1, 500))
def test_schema_json_round_trip_property(tmp_path_factory, coords, fps):
    xy = np.array(coords, dtype=float).reshape(2, 1, 2)
    series = KeypointSeries(["nose"], xy, np.ones((2, 1)), fps=fps)
    back = read_keypoints_json(write_keypoints_json(series, tmp_path_factory.mktemp("p") / "k.json"))
    np.testing.assert_allclose(back.xy, xy, atol=6e-4)
    assert back.fps == fps


def test_trc_round_trip_px_and_metres(tmp_path):
    series = _series()
    back = read_trc(write_trc(series, tmp_path / "k.trc"))
    assert back.names == series.names and back.fps == 30.0 and back.units == "px"
    np.testing.assert_allclose(back.xy, series.xy, atol=1e-3)
    text = (tmp_path / "k.trc").read_text().splitlines()
    assert text[0].startswith("PathFileType\t4") and text[3].startswith("Frame#\tTime\tleft_hip")
    metres = read_trc(write_trc(series, tmp_path / "m.trc", units="m", metres_per_px=0.002))
    assert metres.units == "m"
    np.testing.assert_allclose(metres.xy, series.xy * 0.002, atol=1e-6)
    with pytest.raises(ValueError, match="metres_per_px"):
        write_trc(series, tmp_path / "x.trc", units="m")


def test_metres_per_px_from_height(run_trial, static_trial):
    series = mocap_keypoints(run_trial, static_trial)
    scale = estimate_metres_per_px(series, 1.81)
    assert scale == pytest.approx(1 / series.meta["camera"]["focal_px"] * 4.0, rel=0.1)


def test_mot_round_trip(tmp_path):
    times = np.arange(4) / 30
    path = write_mot(tmp_path / "a.mot", times, {"knee_r": [1.0, 2.0, np.nan, 4.0], "hip_r": [0, 0, 0, 1]})
    table = read_mot(path)
    assert list(table.columns) == ["time", "knee_r", "hip_r"] and table.attrs["in_degrees"]
    np.testing.assert_allclose(table["knee_r"], [1, 2, np.nan, 4])
    assert "nRows=4" in path.read_text()
