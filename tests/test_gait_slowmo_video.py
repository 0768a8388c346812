"""A real slowed-down video through the real pipeline (decode → MediaPipe → checks), issue #15.

The clip is made at test time from the real treadmill video (tests/data/gait/gaitlab_male_side,
MIT, see its MANIFEST): 2 s of it (about 5.6 steps) at low resolution, every frame written 8 times at the same
stated 30 fps, as a phone's 240 fps slow motion played back at 30 fps looks. `kneeguard gait` must
recognise it as slow motion and ask for --slowmo, never answer with the multi-person message.
"""
from __future__ import annotations

from pathlib import Path

import pytest

cv2 = pytest.importorskip("cv2")
pytest.importorskip("mediapipe.python.solutions.pose", reason="needs mediapipe")

from typer.testing import CliRunner  # noqa: E402

MALE_SIDE = Path(__file__).parent / "data" / "gait" / "gaitlab_male_side" / "male_side.mp4"
FACTOR = 8
REAL_SECONDS = 2.0
SIZE = (180, 320)  # (width, height): the portrait clip at a quarter of its 720×1280


def write_slowed_clip(path: Path, factor: int = FACTOR) -> Path:
    """`factor` copies of each of the first REAL_SECONDS of male_side, written at its own stated fps."""
    src = cv2.VideoCapture(str(MALE_SIDE))
    fps = src.get(cv2.CAP_PROP_FPS) or 30.0
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    try:
        for _ in range(int(round(REAL_SECONDS * fps))):
            ok, frame = src.read()
            if not ok:
                break
            small = cv2.resize(frame, SIZE, interpolation=cv2.INTER_AREA)
            for _ in range(factor):
                out.write(small)
    finally:
        src.release()
        out.release()
    return path


@pytest.fixture(scope="module")
def slowed_clip(tmp_path_factory) -> Path:
    return write_slowed_clip(tmp_path_factory.mktemp("slowmo") / "treadmill_slowed.mp4")


@pytest.mark.slow
def test_real_slowed_video_is_recognised_as_slow_motion(slowed_clip, tmp_path):
    from kneeguard.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["gait", str(slowed_clip), "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "slow motion" in text and "--slowmo" in text, text
    assert "several people" not in text
    assert not (out / "summary.json").exists()
    # the suggested factor: 168.9 steps/min played 8x slower against the typical cadence (a first guess)
    suggested = int(text.split("--slowmo ", 2)[-1].split(";")[0].split(")")[0])
    assert 5 <= suggested <= 12, text
