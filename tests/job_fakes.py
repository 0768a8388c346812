"""Tiny job kinds for the job tests: fast, and importable by the worker's child process."""
from __future__ import annotations

import os

from kneeguard.gait.keypoints import GaitError

FAKE_KINDS = {
    "fake_ok": "tests.job_fakes:finish_quickly",
    "fake_bad_input": "tests.job_fakes:refuse_input",
    "fake_bug": "tests.job_fakes:hit_a_bug",
    "fake_exit": "tests.job_fakes:exit_hard",
}


def finish_quickly(ctx) -> dict:
    ctx.progress(0.5, "half way", force=True)
    (ctx.workdir / "seen.txt").write_text("the job folder exists while the job runs")
    return {"echo": ctx.job.params.get("value"), "athlete": ctx.athlete}


def refuse_input(ctx) -> dict:
    raise GaitError("clip.mp4: only 3 steps detected;\n need at least 6")


def hit_a_bug(ctx) -> dict:
    raise RuntimeError("boom\nTraceback (most recent call last): ...")


def exit_hard(ctx) -> dict:
    ctx.progress(0.3, "about to die", force=True)
    os._exit(3)  # a crash in native code looks like this to the worker
