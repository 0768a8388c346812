"""Video intake, pose, person checks, outputs and the `kneeguard gait` command.

Fast tests use synthetic clips written with OpenCV and the stored MediaPipe
keypoints of male_side (tests/data/gait/male_side.mediapipe.json). The `slow`
tests run MediaPipe on the real clips.
"""
from __future__ import annotations

import json
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kneeguard.cli import gait_cmd
from kneeguard.gait.outputs.annotate import event_marks, write_annotated_video
from kneeguard.gait.capture.guide import capture_guide, check_capture
from kneeguard.gait.io.schema_json import read_keypoints_json
from kneeguard.gait.keypoints import CANONICAL_NAMES, GaitError, KeypointSeries
from kneeguard.gait.capture.pose import check_person, identity_segments
from kneeguard.gait.capture.slowmo import read_capture_fps
from kneeguard.gait.capture.video import iter_frames, prefetched, probe_video

GAIT = Path(__file__).parent / "data" / "gait"
MALE_SIDE = GAIT / "gaitlab_male_side" / "male_side.mp4"
SPORTS2D = GAIT / "sports2d" / "demo.mp4"
FIXTURE = GAIT / "male_side.mediapipe.json"


def write_clip(path: Path, n: int = 90, fps: float = 30, size=(160, 96), value: int = 128, noise: bool = True) -> Path:
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    rng = np.random.default_rng(0)
    for _ in range(n):
        frame = np.full((h, w, 3), value, np.uint8)
        if noise:
            frame = np.clip(frame + rng.integers(-20, 20, frame.shape), 0, 255).astype(np.uint8)
        frame[:20, :20] = 255 if value > 60 else 40  # a marker in the stored top-left corner
        writer.write(frame)
    writer.release()
    return path


def set_rotation(path: Path, out: Path) -> Path:
    """Patch the track header's display matrix to 'rotate 90° clockwise', as phones do for portrait."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    version = data[at + 4]
    matrix = at + 8 + (32 if version == 1 else 20) + 8 + 8
    data[matrix:matrix + 36] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    out.write_bytes(bytes(data))
    return out


# --- video intake --------------------------------------------------------------------


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"just some notes, not a video\n" * 20, "not a video"),
    (bytes(np.random.default_rng(1).integers(0, 256, 50_000, dtype=np.uint8)), "not a video"),
])
def test_bad_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "run.mp4"
    path.write_bytes(content)
    with pytest.raises(GaitError, match=message):
        probe_video(path)


def test_missing_file(tmp_path):
    with pytest.raises(GaitError, match="not found"):
        probe_video(tmp_path / "nope.mp4")


def test_truncated_real_video_is_reported(tmp_path):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(MALE_SIDE.read_bytes()[:200_000])  # a download that stopped early
    with pytest.raises(GaitError, match="corrupt|truncated|not a video"):
        info = probe_video(cut)
        for _ in iter_frames(info):
            pass


def test_truncated_media_data_stops_streaming_with_message(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", n=150)
    info = probe_video(clip)
    info.n_frames = 1500  # the header promises far more than the file holds
    info.effective_fps = 600.0  # so what is left is < 2.5 s of real time
    with pytest.raises(GaitError, match="truncated"):
        for _ in iter_frames(info):
            pass


def test_too_short_too_dark_too_slow(tmp_path):
    with pytest.raises(GaitError, match="too short"):
        probe_video(write_clip(tmp_path / "short.mp4", n=20))
    with pytest.raises(GaitError, match="too dark"):
        probe_video(write_clip(tmp_path / "dark.mp4", value=5, noise=False))
    with pytest.raises(GaitError, match="frames per second"):
        probe_video(write_clip(tmp_path / "slow.mp4", n=80, fps=10))


def test_slow_motion_factor_sets_real_time_rate(tmp_path):
    clip = write_clip(tmp_path / "slowmo.mp4", n=300, fps=30)
    info = probe_video(clip, slowmo=4)
    assert info.effective_fps == pytest.approx(120) and info.slowmo_source == "user"
    assert info.duration_s == pytest.approx(2.5)
    assert read_capture_fps(clip) is None  # no Android capture-rate tag in an OpenCV file
    with pytest.raises(GaitError, match="slowmo"):
        probe_video(clip, slowmo=0.5)


def test_rotation_metadata_is_honoured(tmp_path):
    rotated = set_rotation(write_clip(tmp_path / "land.mp4"), tmp_path / "portrait.mp4")
    info = probe_video(rotated)
    assert info.rotation_deg == 90
    assert (info.width, info.height) == (96, 160)
    frame = next(iter_frames(info))
    assert frame.shape[:2] == (160, 96)
    bright = np.argwhere(frame[:, :, 0] > 200).mean(axis=0)
    assert bright[0] < 20 and bright[1] > 76  # stored top-left → displayed top-right
    # Same result as OpenCV's own auto-orientation.
    cap = cv2.VideoCapture(str(rotated))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    ok, auto = cap.read()
    cap.release()
    assert ok and auto.shape == frame.shape


def test_frames_are_streamed_and_downscaled():
    info = probe_video(MALE_SIDE)
    assert (info.width, info.height, info.n_frames) == (720, 1280, 360)
    frames = iter_frames(info, scale=0.5, max_frames=3)
    assert not isinstance(frames, list)
    assert [f.shape for f in frames] == [(640, 360, 3)] * 3


def test_rotated_frames_are_resized_before_rotation(tmp_path):
    rotated = set_rotation(write_clip(tmp_path / "land.mp4"), tmp_path / "portrait.mp4")
    info = probe_video(rotated)
    frame = next(iter_frames(info, scale=0.5))
    assert frame.shape[:2] == (80, 48)  # displayed size halved, not the stored one
    bright = np.argwhere(frame[:, :, 0] > 200).mean(axis=0)
    assert bright[0] < 10 and bright[1] > 38  # marker still top-right after rotation


# --- background decoding -------------------------------------------------------------


def test_prefetched_frames_are_the_same_frames_in_order(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", n=80)
    info = probe_video(clip)
    expected = list(iter_frames(info, scale=0.5))
    got = list(prefetched(iter_frames(info, scale=0.5), depth=2))
    assert len(got) == len(expected) == 80
    assert all(np.array_equal(a, b) for a, b in zip(got, expected))


def test_prefetched_reraises_producer_errors_after_earlier_items():
    def source():
        yield from range(3)
        raise ValueError("decoder broke")

    seen = []
    with pytest.raises(ValueError, match="decoder broke"):
        for item in prefetched(source(), depth=1):
            seen.append(item)
    assert seen == [0, 1, 2]


def test_prefetched_truncated_file_still_raises_gait_error(tmp_path):
    clip = write_clip(tmp_path / "clip.mp4", n=150)
    info = probe_video(clip)
    info.n_frames, info.effective_fps = 1500, 600.0  # header promises far more than the file holds
    with pytest.raises(GaitError, match="truncated"):
        for _ in prefetched(iter_frames(info)):
            pass


def test_prefetched_stays_bounded_and_stops_cleanly_when_consumer_stops():
    produced, closed = [], threading.Event()

    def source():
        try:
            for k in range(1000):
                produced.append(k)
                yield k
        finally:
            closed.set()  # e.g. VideoCapture.release()

    before = threading.active_count()
    frames = prefetched(source(), depth=3)
    assert next(frames) == 0
    time.sleep(0.2)  # let the producer run ahead as far as it may
    assert len(produced) <= 3 + 2  # buffer + the one handed out + the one waiting to be queued
    frames.close()  # what a `break` or an exception in the consumer does
    assert closed.is_set() and threading.active_count() == before


def test_annotation_stops_threads_when_drawing_fails(tmp_path, monkeypatch):
    import kneeguard.gait.outputs.annotate as annotate

    def broken(*args, **kwargs):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(annotate, "_draw_timeline", broken)
    info = probe_video(write_clip(tmp_path / "clip.mp4", n=90))
    series = fixture_series()
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="drawing failed"):
        write_annotated_video(info, series, tmp_path / "a.mp4")
    assert threading.active_count() == before


# --- person checks on keypoints -------------------------------------------------------------


def fixture_series() -> KeypointSeries:
    return read_keypoints_json(FIXTURE)


def test_fixture_is_one_runner_found_everywhere():
    series = fixture_series()
    assert series.n_frames == 360 and series.fps == 30 and series.frame_size == (720, 1280)
    assert check_person(series, "male_side") == []
    assert identity_segments(series) == [(0, 360)]


def test_tiny_person_is_rejected():
    series = fixture_series()
    series.frame_size = (720 * 4, 1280 * 4)  # same pixels in a 4× larger frame: person ≈ 10 %
    with pytest.raises(GaitError, match="too small"):
        check_person(series, "far.mp4")


def test_switching_people_is_rejected_and_a_glitch_only_warned():
    series = fixture_series()
    two = KeypointSeries(series.names, series.xy.copy(), series.visibility, 30, (2000, 1280))
    two.xy[180:, :, 0] += 1200  # second half: "someone else" far to the right
    with pytest.raises(GaitError, match="several people"):
        check_person(two, "crowd.mp4")
    glitch = KeypointSeries(series.names, series.xy.copy(), series.visibility, 30, (2000, 1280))
    glitch.xy[100:103, :, 0] += 1200
    warnings = check_person(glitch, "glitch.mp4")
    assert any("jumped" in w for w in warnings)


def test_no_person_keypoints():
    empty = KeypointSeries(list(CANONICAL_NAMES), np.full((90, 13, 2), np.nan), np.zeros((90, 13)), 30, (640, 480))
    with pytest.raises(GaitError, match="no person"):
        check_person(empty)


def test_capture_guide_and_warnings():
    text = capture_guide()
    assert "60 fps" in text and "3–5 m" in text and "7 steps" in text and "hip height" in text
    warnings = check_capture(fixture_series(), probe_video(MALE_SIDE))
    assert any("60 fps" in w for w in warnings)


# --- outputs and CLI with a stand-in analysis -------------------------------------------------


@dataclass
class StubReport:
    """The GaitReport interface the CLI relies on, with fixed numbers."""

    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame([
        {"side": "left" if k % 2 else "right", "ic_frame": f + 0.3, "to_frame": f + 6.2, "valid": True}
        for k, f in enumerate(range(5, 350, 11))]))
    steps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({
        "side": ["right", "left"] * 4, "contact_time_ms": np.linspace(230, 250, 8),
        "knee_flexion_ic_deg": np.linspace(14, 18, 8)}))
    angles: pd.DataFrame | None = None
    findings: list = field(default_factory=list)
    warnings: list = field(default_factory=lambda: ["stub warning"])
    cadence: float = 168.0

    view: str = "side"
    direction: int = 1

    @property
    def summary(self) -> dict:
        return {"view": "side", "n_steps": 8, "cadence_spm": self.cadence, "contact_time_ms": 240.0,
                "left": {"contact_time_ms": 238.0}, "right": {"contact_time_ms": 242.0}}


def cli_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(gait_cmd.app, name="gait")

    @app.command("noop")
    def _noop() -> None:  # a second command so "gait" stays a sub-command
        pass

    return app


@pytest.fixture
def stub_analysis(monkeypatch):
    cadences = iter([160.0, 172.0, 175.0])
    monkeypatch.setattr(gait_cmd, "analyze", lambda series, **kw: StubReport(cadence=next(cadences)))


def test_event_marks_accept_contact_rows_or_single_events():
    marks = event_marks(pd.DataFrame({"time_s": [0.5], "side": ["Left"], "event": ["initial_contact"]}), 30)
    assert [(m.frame, m.side, m.kind) for m in marks] == [(15, "left", "IC")]
    contacts = pd.DataFrame({"side": ["right", "left"], "ic_frame": [10.4, 20.0], "to_frame": [16.6, 27.0],
                             "valid": [True, False]})
    assert [(m.frame, m.kind) for m in event_marks(contacts, 30)] == [(10, "IC"), (17, "TO")]


def test_keypoints_cli_writes_outputs_and_compares_sessions(tmp_path, stub_analysis):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli_app(), ["gait", "--keypoints", str(FIXTURE), "--out", str(out),
                                       "--athlete", "ana", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["cadence_spm"] == 160 and summary["athlete"] == "ana"
    assert "stub warning" in summary["warnings"]
    for name in ("summary.json", "steps.csv", "steps.json", "keypoints.json", "keypoints.trc", "angles.mot",
                 "knee_angle.png", "step_metrics.png"):
        assert (out / name).stat().st_size > 0, name
    assert read_keypoints_json(out / "keypoints.json").n_frames == 360

    second = runner.invoke(cli_app(), ["gait", "--keypoints", str(FIXTURE), "--out", str(tmp_path / "o2"),
                                       "--athlete", "ana"])
    assert second.exit_code == 0 and "cadence" in second.output and "Not a diagnosis" in second.output
    from kneeguard.store import open_store, records

    with open_store() as store, store.session() as s:
        sessions = records.list_gait_sessions(s, "ana")
    assert [g["summary"]["cadence_spm"] for g in sessions] == [160, 172]
    compared = runner.invoke(cli_app(), ["gait", "compare", "--athlete", "ana", "--json"])
    assert compared.exit_code == 0, compared.output
    cad = next(r for r in json.loads(compared.stdout)["metrics"] if r["key"] == "cadence_spm")
    assert (cad["before"], cad["after"]) == (160, 172) and cad["change_pct"] == pytest.approx(7.5)
    by_dir = runner.invoke(cli_app(), ["gait", "compare", str(out), str(tmp_path / "o2")])
    assert by_dir.exit_code == 0 and "+7.5 %" in by_dir.output
    by_id = runner.invoke(cli_app(), ["gait", "compare", str(sessions[1]["id"]), str(sessions[0]["id"]), "--json"])
    cad = next(r for r in json.loads(by_id.stdout)["metrics"] if r["key"] == "cadence_spm")
    assert (cad["before"], cad["after"]) == (172, 160)
    missing = runner.invoke(cli_app(), ["gait", "compare", "1", "999"])
    assert missing.exit_code == 2 and "no gait session with id 999" in missing.output


REQUIRED_SUMMARY = ("view", "n_steps", "cadence_spm", "contact_time_ms", "duty_factor", "knee_flexion_ic_deg",
                    "peak_knee_flexion_deg", "shank_angle_ic_deg", "overstride_cm", "overstride_pct_leg",
                    "foot_strike", "trunk_lean_deg", "vertical_oscillation_cm", "left", "right")


def test_real_analysis_summary_has_the_required_fields(tmp_path):
    pytest.importorskip("kneeguard.gait.analysis")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli_app(), ["gait", "--keypoints", str(FIXTURE), "--height-cm", "180",
                                            "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    printed = json.loads(result.stdout)  # --json adds each finding's explanations; the file is the stored shape
    assert all(f.pop("explain")["entries"] is not None for f in printed["findings"])
    assert summary == printed
    metrics = summary  # one shape: the headline metrics at the top level
    assert "summary" not in summary
    assert [k for k in REQUIRED_SUMMARY if metrics.get(k) is None] == []
    assert metrics["left"]["cadence_spm"] and metrics["right"]["contact_time_ms"]
    assert isinstance(summary["findings"], list) and summary["warnings"]
    assert summary["view"] == "side" and metrics["n_steps"] >= 7


@pytest.mark.parametrize("args, message", [
    (["gait", "README.md"], "not a video"),
    (["gait"], "Usage"),
    (["gait", "compare", "x.json"], "two summaries"),
    (["gait", "--keypoints", "nope.json"], "not found"),
])
def test_cli_bad_input_is_one_line_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    result = CliRunner().invoke(cli_app(), args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_guide_flag():
    result = CliRunner().invoke(cli_app(), ["gait", "--guide"])
    assert result.exit_code == 0 and "perpendicular" in result.output


def test_annotated_video_is_written(tmp_path):
    info = probe_video(MALE_SIDE)
    info.n_frames = 30  # first second is enough to check drawing
    out = write_annotated_video(info, fixture_series(), tmp_path / "a.mp4", StubReport().events, title="t")
    cap = cv2.VideoCapture(str(out))
    assert cap.get(cv2.CAP_PROP_FRAME_COUNT) >= 30
    ok, drawn = cap.read()
    cap.release()
    original = next(iter_frames(info))
    assert ok and drawn.shape == original.shape  # 720 px short side: written at the pose size
    # The panel is darkened, the middle of the picture is left alone, the timeline strip is dark.
    assert drawn[20:40, 200:300].mean() < 0.7 * original[20:40, 200:300].mean()
    assert abs(float(drawn[600:700, 500:700].mean()) - float(original[600:700, 500:700].mean())) < 8
    assert drawn[-20:, 100:600].mean() < 60


# --- real clips through MediaPipe -------------------------------------------------------------

mediapipe = pytest.importorskip("mediapipe.python.solutions.pose", reason="needs mediapipe")


def test_synthetic_clip_without_a_person(tmp_path, stub_analysis):
    clip = write_clip(tmp_path / "empty_room.mp4", n=90, size=(320, 240))
    result = CliRunner().invoke(cli_app(), ["gait", str(clip), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "no person" in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_mediapipe_finds_the_runner_on_male_side():
    from kneeguard.gait.capture.pose import detected_frames, keypoints_from_video

    series = keypoints_from_video(probe_video(MALE_SIDE), max_frames=180)  # first 6 s
    assert series.n_frames == 180 and detected_frames(series).mean() > 0.9
    hips = series.point("left_hip")
    assert np.nanmedian(hips[:, 1]) == pytest.approx(np.nanmedian(fixture_series().point("left_hip")[:180, 1]), abs=5)


@pytest.mark.slow
def test_male_side_cadence_matches_ground_truth():
    analysis = pytest.importorskip("kneeguard.gait.analysis")
    report = analysis.analyze_gait(fixture_series(), view="side")
    assert report.summary["cadence_spm"] == pytest.approx(168.9, rel=0.01)


@pytest.mark.slow
def test_sports2d_demo_gives_a_clear_message_not_a_report(tmp_path):
    pytest.importorskip("kneeguard.gait.analysis")
    out = tmp_path / "demo_out"
    result = CliRunner().invoke(cli_app(), ["gait", str(SPORTS2D), "--out", str(out), "--json"])
    assert result.exit_code == 2, result.output
    assert any(w in result.output for w in ("several people", "not running", "steps", "walking"))
    assert not (out / "summary.json").exists() and "cadence_spm" not in result.output
