"""Benchmark the video gait pipeline: pose alone vs the whole pipeline, on the same clip in one run.

    .venv/bin/python benchmarks/bench_gait.py                         # male_side.mp4
    .venv/bin/python benchmarks/bench_gait.py clip1.mp4 clip2.mp4 --height-cm 180

Per clip:
  * pose-only fps: frames / time spent inside MediaPipe (decode time measured and subtracted);
  * full fps: frames / wall time of probe + decode + pose + analysis + all outputs incl. the
    annotated video (a second decode pass), i.e. what `kneeguard gait VIDEO` costs;
  * ratio full / pose-only;
  * analysis-from-keypoints time (median of 5 runs of analyze_gait on the clip's keypoints);
  * peak RSS of the process so far (MiB; streaming keeps it flat whatever the clip length).
Prints a Markdown table. CPU count matters: MediaPipe uses a few threads.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "tests" / "data" / "gait" / "gaitlab_male_side" / "male_side.mp4"


class TimedFrames:
    """Wrap a frame iterator and add up the time spent producing frames (decoding)."""

    def __init__(self, frames: Iterator[np.ndarray]) -> None:
        self.frames = frames
        self.seconds = 0.0
        self.count = 0

    def __iter__(self) -> Iterator[np.ndarray]:
        while True:
            start = time.perf_counter()
            try:
                frame = next(self.frames)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            self.count += 1
            yield frame


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def bench_clip(path: Path, height_cm: float | None) -> dict:
    from kneeguard.cli.gait_cmd import save_results
    from kneeguard.gait.analysis import analyze_gait
    from kneeguard.gait.guide import check_capture
    from kneeguard.gait.pose import MediaPipePoseBackend, check_person
    from kneeguard.gait.video import iter_frames, pose_scale, probe_video

    t0 = time.perf_counter()
    info = probe_video(path)
    frames = TimedFrames(iter_frames(info, scale=pose_scale(info)))
    t_pose = time.perf_counter()
    series = MediaPipePoseBackend().process(frames, info.effective_fps, info.frame_size)
    t_pose_end = time.perf_counter()
    pose_only_s = (t_pose_end - t_pose) - frames.seconds
    warnings = check_person(series, path.name) + check_capture(series, info)
    report = analyze_gait(series, height_cm=height_cm)
    with tempfile.TemporaryDirectory() as tmp:
        save_results({"series": series, "info": info, "report": report, "warnings": warnings},
                     Path(tmp) / "out", athlete="bench", source=str(path), annotated=True, home=Path(tmp))
    full_s = time.perf_counter() - t0

    analysis_runs = []
    for _ in range(5):
        start = time.perf_counter()
        analyze_gait(series, height_cm=height_cm)
        analysis_runs.append(time.perf_counter() - start)
    n = frames.count
    return {
        "clip": path.name, "size": f"{info.width}x{info.height}", "frames": n,
        "decode_ms": 1000 * frames.seconds / n, "pose_fps": n / pose_only_s, "full_fps": n / full_s,
        "ratio": (n / full_s) / (n / pose_only_s), "full_s": full_s,
        "analysis_ms": 1000 * statistics.median(analysis_runs), "peak_mib": peak_rss_mib(),
        "cadence": report.summary.get("cadence_spm"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("videos", nargs="*", type=Path, default=[DEFAULT])
    parser.add_argument("--height-cm", type=float, default=None)
    args = parser.parse_args()
    os.environ.setdefault("KNEEGUARD_HOME", tempfile.mkdtemp(prefix="kneeguard-bench-"))
    rows = [bench_clip(p, args.height_cm) for p in args.videos]
    print(f"\n{os.cpu_count()} CPUs, MediaPipe Pose full model, video mode\n")
    print("| clip | size | frames | decode ms/frame | pose-only fps | full-pipeline fps | full/pose | "
          "full wall s | analysis from keypoints ms | peak RSS MiB | cadence spm |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        cadence = f"{r['cadence']:.1f}" if r["cadence"] is not None else "–"
        print(f"| {r['clip']} | {r['size']} | {r['frames']} | {r['decode_ms']:.1f} | {r['pose_fps']:.1f} | "
              f"{r['full_fps']:.1f} | {r['ratio']:.2f} | {r['full_s']:.1f} | {r['analysis_ms']:.0f} | "
              f"{r['peak_mib']:.0f} | {cadence} |")


if __name__ == "__main__":
    main()
