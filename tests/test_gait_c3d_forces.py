"""C3D force platforms read by the standard: the 2.5 m/s text trial written as C3D gives the same events."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kneeguard.errors import InvalidInput
from kneeguard.gait.io.c3d_forces import read_ground_reaction
from kneeguard.gait.io.forces import force_events, read_c3d_vertical_force, read_forces
from kneeguard.gait.io.mocap import read_markers
from tests.c3d_builders import FUKUCHI_CORNERS, PlateSpec, wrench_from_text, write_c3d

FUKUCHI = Path(__file__).parent / "data" / "gait" / "fukuchi2017"
RUN_MARKERS = FUKUCHI / "RBDS001runT25markers.txt"
RUN_FORCES = FUKUCHI / "RBDS001runT25forces.txt"
LABELS = ["F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z"]
# A calibration with cross-talk (not symmetric), diagonal as in the Fukuchi plate (N/V, N·mm/V)
CAL = np.diag([500.0, 500.0, 1000.0, 8e5, 2.5e5, 4e5])
CAL[0, 2], CAL[2, 0], CAL[3, 1], CAL[5, 0] = 12.0, -7.0, 900.0, -350.0


@pytest.fixture(scope="module")
def trial():
    return read_markers(RUN_MARKERS)


@pytest.fixture(scope="module")
def text_forces():
    return read_forces(RUN_FORCES)


@pytest.fixture(scope="module")
def text_contacts(trial):
    return force_events(RUN_FORCES, trial)


def _platform(specs: list[PlateSpec]) -> dict:
    return dict(used=len(specs), types=[s.type for s in specs],
                channel=[list(range(6 * k + 1, 6 * k + 7)) for k in range(len(specs))],
                corners=[s.corners for s in specs], origin=[s.origin for s in specs],
                cal_matrix=[s.cal_matrix if s.cal_matrix is not None else np.eye(6) for s in specs]
                if any(s.type == 4 for s in specs) else None)


def _assert_same_events(c3d_contacts, text_contacts):
    assert len(c3d_contacts) == len(text_contacts) >= 70
    np.testing.assert_allclose(c3d_contacts["ic_time_s"], text_contacts["ic_time_s"], atol=5e-4)
    np.testing.assert_allclose(c3d_contacts["to_time_s"], text_contacts["to_time_s"], atol=5e-4)
    assert list(c3d_contacts["side"]) == list(text_contacts["side"])
    assert c3d_contacts["peak_force_n"].max() == pytest.approx(text_contacts["peak_force_n"].max(), rel=0.01)


def test_type2_plate_with_markers_gives_the_text_events(tmp_path, trial, text_forces, text_contacts):
    grf, moment = wrench_from_text(text_forces)
    plate = PlateSpec(type=2)
    n = min(len(grf), 2 * trial.n_frames)
    scales = np.array([0.5, 0.5, 1.0, 10.0, 10.0, 10.0])
    path = write_c3d(tmp_path / "type2.c3d", plate.signals(grf, moment)[:, :n], markers=trial.xyz[: n // 2],
                     marker_labels=trial.labels, analog_labels=LABELS, scales=scales, gen_scale=2.0,
                     offsets=np.array([3, -2, 5, 0, 1, -4]), platform=_platform([plate]))
    from_c3d = read_markers(path)
    assert from_c3d.labels == trial.labels and from_c3d.rate == trial.rate
    _assert_same_events(force_events(path, from_c3d), text_contacts)


def test_type4_plate_with_a_calibration_matrix_gives_the_text_events(tmp_path, trial, text_forces, text_contacts):
    grf, moment = wrench_from_text(text_forces)
    plate = PlateSpec(type=4, cal_matrix=CAL, stores_reaction=True)  # raw F1Z negative under load, as in the issue
    signals = plate.signals(grf, moment)
    assert np.percentile(signals[2], 1) < -1.0  # volts, not newtons
    path = write_c3d(tmp_path / "type4.c3d", signals, analog_labels=LABELS, scales=np.full(6, 0.001),
                     gen_scale=0.5, offsets=np.array([10, -10, 20, 0, 0, 5]), platform=_platform([plate]))
    _assert_same_events(force_events(path, trial), text_contacts)
    table = read_c3d_vertical_force(path)
    assert table.attrs["vertical_axis"] == "Y" and table.attrs["plates"] == 1
    np.testing.assert_allclose(table["Fy"], text_forces["Fy"], atol=0.5)


def test_two_plates_under_one_treadmill_sum_in_the_lab_frame(tmp_path, trial, text_forces, text_contacts):
    """Each plate carries one foot's contacts; the second is turned half a turn about the vertical."""
    grf, moment = wrench_from_text(text_forces)
    t = text_forces["time_s"].to_numpy()
    mid = ((text_contacts["ic_time_s"] + text_contacts["to_time_s"]) / 2).to_numpy()
    nearest = np.argmin(np.abs(t[:, None] - mid[None, :]), axis=1)
    on_first = (nearest % 2 == 0)[:, None]
    turned = FUKUCHI_CORNERS[[2, 3, 0, 1]] + np.array([0.0, 0.0, 600.0])
    first, second = PlateSpec(type=2), PlateSpec(type=4, corners=turned, cal_matrix=CAL)
    signals = np.vstack([first.signals(np.where(on_first, grf, 0), np.where(on_first, moment, 0)),
                         second.signals(np.where(on_first, 0, grf), np.where(on_first, 0, moment))])
    path = write_c3d(tmp_path / "two.c3d", signals, analog_labels=LABELS + [s.replace("1", "2") for s in LABELS],
                     platform=_platform([first, second]))
    _assert_same_events(force_events(path, trial), text_contacts)
    reaction = read_ground_reaction(path)
    assert len(reaction.plates) == 2 and reaction.vertical_axis == 1
    loaded = text_forces["Fy"].to_numpy() > 200  # centre of pressure is meaningful under load
    cop = text_forces[["COPx", "COPz"]].to_numpy()[loaded]
    np.testing.assert_allclose(reaction.cop_mm[loaded][:, [0, 2]], cop, atol=1.0)


@pytest.mark.parametrize("plate_type", [1, 3])
def test_point_load_centre_of_pressure_for_types_1_and_3(tmp_path, plate_type):
    """700 N pressed straight down at a known point of the plate: the centre of pressure is that point."""
    spec = PlateSpec(type=2)
    rot, centre = spec.axes(), FUKUCHI_CORNERS.mean(axis=0)
    local = np.array([300.0, -120.0])  # plate x, y from the surface centre
    a, b, az0 = 200.0, 350.0, -40.0
    n, fz = 20, 700.0  # the load along ẑ (down)
    if plate_type == 1:
        row = [0.0, 0.0, fz, local[0], local[1], 0.0]
        origin = [0.0, 0.0, -15.0]
    else:
        u, w = local[1] / b, -local[0] / a
        row = [0, 0, 0, 0] + [fz / 4 * (1 + u - w), fz / 4 * (1 + u + w), fz / 4 * (1 - u + w), fz / 4 * (1 - u - w)]
        origin = [a, b, az0]
    channels = np.tile(np.array(row)[:, None], (1, n))
    path = write_c3d(tmp_path / f"type{plate_type}.c3d", channels, platform=dict(
        used=1, types=[plate_type], channel=[list(range(1, len(row) + 1))], corners=[FUKUCHI_CORNERS], origin=[origin]))
    reaction = read_ground_reaction(path)
    np.testing.assert_allclose(reaction.vertical_n, fz)
    expected = centre + rot[:, :2] @ local
    np.testing.assert_allclose(reaction.cop_mm, np.tile(expected, (n, 1)), atol=1e-3)


# --- a missing or inconsistent FORCE_PLATFORM group: one clear line naming the file -----------

def _small(tmp_path, name="bad.c3d", **platform_changes):
    spec = dict(used=1, types=[2], channel=[[1, 2, 3, 4, 5, 6]], corners=[FUKUCHI_CORNERS], origin=[[0, 0, -15.0]])
    spec.update(platform_changes)
    return write_c3d(tmp_path / name, np.ones((6, 40)), analog_labels=LABELS,
                     platform=None if spec.pop("drop", False) else spec)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(drop=True), "no force-plate channels (no FORCE_PLATFORM group)"),
    (dict(channel=[[1, 2, 3, 4, 5, 9]]), "FORCE_PLATFORM:CHANNEL gives [1, 2, 3, 4, 5, 9], but the file has 6 analog"),
    (dict(types=[4]), "FORCE_PLATFORM:CAL_MATRIX is missing"),
    (dict(types=[7]), "TYPE 7; types 1–4 are supported"),
    (dict(used=2), "USED is 2 but TYPE/CHANNEL/CORNERS/ORIGIN describe fewer plates"),
    (dict(corners=[np.zeros((4, 3))]), "CORNERS of plate 1 do not span a surface"),
])
def test_bad_force_platform_group_says_what_is_wrong(tmp_path, changes, message):
    path = _small(tmp_path, **changes)
    with pytest.raises(InvalidInput) as caught:
        read_c3d_vertical_force(path)
    assert str(caught.value).startswith("bad.c3d: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_static_trial_describes_a_plate_but_holds_no_analog_data():
    with pytest.raises(InvalidInput, match="RBDS001static.c3d: the C3D file has no force-plate channels"):
        read_c3d_vertical_force(FUKUCHI / "RBDS001static.c3d")
