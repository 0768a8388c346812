"""The motion-capture validation harness, with a stand-in analysis and (when present) the real one."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kneeguard.cli import validate_cmd
from kneeguard.gait.validation import validate
from kneeguard.gait.keypoints import GaitError

FUKUCHI = Path(__file__).parent / "data" / "gait" / "fukuchi2017"
PATHS = dict(markers=FUKUCHI / "RBDS001runT25markers.txt", forces=FUKUCHI / "RBDS001runT25forces.txt",
             static=FUKUCHI / "RBDS001static.c3d", processed=FUKUCHI / "RBDS001processed.txt")
RATES = ["150", "60", "30", "150+noise", "60+noise", "30+noise"]


@pytest.fixture(scope="module")
def reference():
    return validate.load_reference(**PATHS)


def fake_analyzer(reference, ic_shift_s=0.005, fail_at_fps=None):
    """Stands in for analyze_gait: the reference events, shifted, and the processed knee angles + 1°."""
    contacts = reference.contacts

    def analyze(series, view, height_cm, treadmill):
        assert view == "side" and treadmill and height_cm == 181
        if fail_at_fps and abs(series.fps - fail_at_fps) < 1e-6:
            raise GaitError("too few steps")
        events = pd.DataFrame({"side": contacts["side"], "ic_time_s": contacts["ic_time_s"] + ic_shift_s,
                               "to_time_s": contacts["to_time_s"]})
        per_side = {side: {"knee_flexion_ic_deg": ref["ic_deg"] + 1.0, "peak_knee_flexion_deg": ref["peak_deg"] - 1.0}
                    for side, ref in reference.knee.items()}
        summary = {"cadence_spm": reference.summary["cadence_spm"] * 1.005,
                   "contact_time_ms": 1000 * reference.summary["contact_time_s_mean"] - 5.0, **per_side}
        return SimpleNamespace(events=events, summary=summary)

    return analyze


def test_reference_from_forces_and_processed(reference):
    facts = validate.reference_facts(reference)
    assert facts["cadence_spm"] == pytest.approx(157, abs=1)
    assert facts["knee_source"] == "processed curves"
    assert facts["knee"]["right"]["ic_deg"] == pytest.approx(13.4, abs=0.05)


def test_marker_knee_reference_is_close_to_processed_curves(reference):
    """The pseudo-keypoints themselves must reproduce the authors' knee angles within 3°."""
    series = validate.mocap_keypoints(reference.trial, reference.static)
    markers = validate.marker_knee_reference(series, reference.contacts)
    for side in ("left", "right"):
        assert markers[side]["ic_deg"] == pytest.approx(reference.knee[side]["ic_deg"], abs=3.0)
        assert markers[side]["peak_deg"] == pytest.approx(reference.knee[side]["peak_deg"], abs=3.0)


def test_harness_scores_a_known_analysis(reference):
    results = validate.validate_mocap(reference=reference, analyze=fake_analyzer(reference))
    assert list(results) == RATES
    for row in results.values():
        assert row["ic_error_ms_median"] == pytest.approx(5.0, abs=1e-6)
        assert row["ic_bias_ms"] == pytest.approx(5.0, abs=1e-6)
        assert row["to_error_ms_median"] == pytest.approx(0.0, abs=1e-6)
        assert row["cadence_error_pct"] == pytest.approx(0.5, abs=1e-6)
        assert row["contact_time_error_ms"] == pytest.approx(5.0, abs=1e-6)
        assert row["knee_ic_error_deg"] == pytest.approx(1.0) and row["knee_peak_error_deg"] == pytest.approx(1.0)
        assert row["n_matched_ic"] == row["n_reference"] == len(reference.contacts)
    assert results["30"]["frame_ms"] == pytest.approx(33.33, abs=0.01)
    assert results["60+noise"]["noise_px"] == validate.DEFAULT_NOISE_PX
    table = validate.markdown_table(results)
    assert table.count("\n") == 1 + len(RATES) and "| 30+noise |" in table


def test_harness_reports_a_failed_rate(reference):
    results = validate.validate_mocap(reference=reference, analyze=fake_analyzer(reference, fail_at_fps=30))
    assert results["30"] == {"fps": 30.0, "noise_px": 0.0, "error": "too few steps"}
    assert "analysis failed" in validate.markdown_table(results)


def test_matching_ignores_events_beyond_half_a_step(reference):
    detected = pd.DataFrame({"side": ["left"], "ic_time_s": [reference.contacts["ic_time_s"].iloc[0] + 0.3]})
    assert validate.match_events(detected, reference.contacts, "ic_time_s", 0.19).empty


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(validate_cmd.app, name="validate")
    return app


def test_cli_json(monkeypatch, reference):
    monkeypatch.setattr(validate, "_default_analyzer", lambda: fake_analyzer(reference))
    args = ["validate", "mocap", "--markers", str(PATHS["markers"]), "--forces", str(PATHS["forces"]),
            "--static", str(PATHS["static"]), "--processed", str(PATHS["processed"]), "--json"]
    result = CliRunner().invoke(_cli(), args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload["results"]) == RATES
    assert payload["reference"]["n_contacts"] == len(reference.contacts)


@pytest.mark.parametrize("args, message", [
    (["--markers", "x.txt"], "give --c3d FILE, or both"),
    (["--markers", "missing.txt", "--forces", "missing.txt"], "file not found"),
    (["--c3d", str(FUKUCHI / "RBDS001static.c3d")], "no force-plate channels"),
    (["--markers", str(FUKUCHI / "RBDSinfo.txt"), "--forces", str(FUKUCHI / "RBDS001runT25forces.txt")], "marker"),
])
def test_cli_bad_input_is_one_line_and_exit_2(args, message):
    result = CliRunner().invoke(_cli(), ["validate", "mocap", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.skipif(importlib.util.find_spec("kneeguard.gait.analysis") is None, reason="analysis not written yet")
def test_real_analysis_runs_on_projected_markers(reference):
    """Smoke test of the real analyze_gait at the native rate: events found and matched."""
    from kneeguard.gait.analysis import analyze_gait

    results = validate.validate_mocap(reference=reference, analyze=analyze_gait)
    native = results["150"]
    assert "error" not in native, native
    assert native["n_matched_ic"] >= 0.8 * native["n_reference"]
    assert np.isfinite(native["cadence_error_pct"]) and native["cadence_error_pct"] < 3.0


def test_cli_says_when_knee_angles_are_not_a_truth(reference, monkeypatch):
    """Without --processed the knee reference is marker-based: a warning line and knee_truth.is_truth false."""
    monkeypatch.setattr(validate, "_default_analyzer", lambda: fake_analyzer(reference))
    base = ["validate", "mocap", "--markers", str(PATHS["markers"]), "--forces", str(PATHS["forces"]),
            "--static", str(PATHS["static"])]
    result = CliRunner().invoke(_cli(), base, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Warning: knee angles are compared with marker-based angles, which are not a truth" in result.output
    result = CliRunner().invoke(_cli(), [*base, "--json"], catch_exceptions=False)
    truth = json.loads(result.stdout)["reference"]["knee_truth"]
    assert truth == {"source": validate.MARKER_SOURCE, "speed": None, "is_truth": False,
                     "warning": validate.FALLBACK_WARNING}
    result = CliRunner().invoke(_cli(), [*base, "--processed", str(PATHS["processed"]), "--json"],
                                catch_exceptions=False)
    truth = json.loads(result.stdout)["reference"]["knee_truth"]
    assert truth["is_truth"] and truth["speed"] == "25" and truth["warning"] is None


def test_processed_speed_comes_from_the_trial_name_or_the_option(reference):
    assert validate.trial_speed("RBDS001runT35markers.txt") == "35"
    assert validate.trial_speed("RBDS001runT45.c3d") == "45"
    assert validate.trial_speed("mytrial.c3d") == "25"
    faster = validate.load_reference(**PATHS, speed="45")
    assert faster.knee_truth.speed == "45"
    assert faster.knee["right"]["peak_deg"] == pytest.approx(43.6, abs=0.05)


def test_event_parameters_reach_the_analysis(reference):
    from kneeguard.gait.events import EventParameters

    seen = []
    plain = fake_analyzer(reference)

    def analyze(series, view, height_cm, treadmill, event_parameters):
        seen.append(event_parameters)
        return plain(series, view, height_cm, treadmill)

    chosen = EventParameters(ic_speed_fraction=0.5)
    validate.validate_mocap(reference=reference, analyze=analyze, event_parameters=chosen)
    assert seen == [chosen] * len(RATES)


def test_c3d_trial_validates_like_its_text_form(tmp_path, reference):
    """The text trial written as C3D (type-4 plate, calibration matrix, markers) gives the same reference."""
    from tests.c3d_builders import PlateSpec, wrench_from_text, write_c3d
    from kneeguard.gait.io.forces import read_forces

    forces = read_forces(PATHS["forces"])
    grf, moment = wrench_from_text(forces)
    cal = np.diag([500.0, 500.0, 1000.0, 8e5, 2.5e5, 4e5])
    cal[2, 0] = -7.0
    plate = PlateSpec(type=4, cal_matrix=cal, stores_reaction=True)
    trial = reference.trial
    path = write_c3d(tmp_path / "RBDS001runT25.c3d", plate.signals(grf, moment), markers=trial.xyz,
                     marker_labels=trial.labels, analog_labels=["F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z"],
                     platform=dict(used=1, types=[4], channel=[[1, 2, 3, 4, 5, 6]], corners=[plate.corners],
                                   origin=[plate.origin], cal_matrix=[cal]))
    from_c3d = validate.load_reference(c3d=path, static=PATHS["static"], processed=PATHS["processed"])
    assert from_c3d.summary["n_contacts"] == reference.summary["n_contacts"]
    for key in ("contact_time_s_mean", "step_time_s", "cadence_spm"):
        assert from_c3d.summary[key] == pytest.approx(reference.summary[key], abs=1e-3)
    assert from_c3d.knee == reference.knee
    results = validate.validate_mocap(reference=from_c3d, analyze=fake_analyzer(from_c3d))
    expected = validate.validate_mocap(reference=reference, analyze=fake_analyzer(reference))
    for rate in RATES:
        for key in ("ic_error_ms_median", "knee_ic_error_deg", "cadence_error_pct"):
            assert results[rate][key] == pytest.approx(expected[rate][key], abs=0.05)


@pytest.mark.slow
@pytest.mark.parametrize("plate_type", [2, 4])
def test_c3d_trial_with_the_real_analysis_gives_the_text_numbers(tmp_path, reference, plate_type):
    """Done when (issue 15): a C3D running trial with a type-2 or type-4 plate validates with the same
    numbers as its text form, through the real analysis at every rate and noise row."""
    from tests.c3d_builders import PlateSpec, wrench_from_text, write_c3d
    from kneeguard.gait.io.forces import read_forces

    grf, moment = wrench_from_text(read_forces(PATHS["forces"]))
    cal = np.diag([500.0, 500.0, 1000.0, 8e5, 2.5e5, 4e5])
    cal[2, 0], cal[3, 1] = -7.0, 900.0
    plate = PlateSpec(type=plate_type, cal_matrix=cal if plate_type == 4 else None, stores_reaction=plate_type == 4)
    trial = reference.trial
    platform = dict(used=1, types=[plate_type], channel=[[1, 2, 3, 4, 5, 6]], corners=[plate.corners],
                    origin=[plate.origin], cal_matrix=[cal] if plate_type == 4 else None)
    path = write_c3d(tmp_path / "RBDS001runT25.c3d", plate.signals(grf, moment), markers=trial.xyz,
                     marker_labels=trial.labels, analog_labels=["F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z"],
                     platform=platform)
    from_c3d = validate.load_reference(c3d=path, static=PATHS["static"], processed=PATHS["processed"])
    results, expected = validate.validate_mocap(reference=from_c3d), validate.validate_mocap(reference=reference)
    for rate in RATES:
        for key in ("ic_error_ms_median", "to_error_ms_median", "contact_time_error_ms", "cadence_error_pct",
                    "knee_ic_error_deg", "knee_peak_error_deg", "n_matched_ic", "n_matched_to"):
            assert results[rate][key] == pytest.approx(expected[rate][key], abs=0.05), (rate, key)


def test_reference_contacts_use_the_registry_threshold(reference):
    from kneeguard import evidence
    from kneeguard.gait.io.forces import detect_contacts, read_forces

    forces = read_forces(PATHS["forces"])
    limit = evidence.value("gait.validation.contact_force_n")
    expected = detect_contacts(forces["time_s"].to_numpy(), forces["Fy"].to_numpy(), threshold_n=limit)
    np.testing.assert_allclose(reference.contacts["to_time_s"], expected["to_time_s"])
    later = detect_contacts(forces["time_s"].to_numpy(), forces["Fy"].to_numpy(), threshold_n=80.0)
    assert (reference.contacts["to_time_s"].to_numpy() > later["to_time_s"].to_numpy()).all()  # 20 N ends later
