"""The video (or keypoint) analysis as a whole, shared by `kneeguard gait` and the web worker.

    series = keypoints_from_video(probe_video(path))          # or a keypoint file
    result = analyse_series(series, info, path.name, view=None, height_cm=180)
    summary, written = write_results(result, out_dir, athlete="ana", source=path.name)
    summary.to_dict()                                          # a GaitSummary: what a gait session stores

Nothing here touches the database: the caller stores the summary (the CLI and the
worker each open the store their own way).
"""
from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kneeguard.gait.summary import GaitSummary

ANNOTATED_MP4 = "annotated.mp4"


def analyse_series(series, info, name: str, *, view: str | None, height_cm: float | None,
                   analyze: Callable | None = None) -> dict[str, Any]:
    """Checks of the person and the capture, then the analysis; GaitError for unusable input.

    Slow motion is recognised first: a slowed clip's rhythm would otherwise be misread as several people.

    `analyze(series, view=, height_cm=)` defaults to `analysis.analyze_gait` (the CLI passes
    its own so the message for a missing optional module stays a CLI concern).
    """
    from kneeguard.gait.capture.guide import check_capture
    from kneeguard.gait.capture.pose import check_person
    from kneeguard.gait.capture.slowmo import check_slow_motion

    if analyze is None:
        from kneeguard.gait.analysis import analyze_gait as analyze
    if view:
        series.meta["view"] = view
    check_slow_motion(series, name)
    warnings = check_person(series, name) if series.units == "px" else []
    warnings += check_capture(series, info)
    report = analyze(series, view=view, height_cm=height_cm)
    return {"series": series, "info": info, "report": report, "warnings": warnings}


def write_results(result: dict, out_dir: Path, *, athlete: str, source: str,
                  video_name: str | None = ANNOTATED_MP4,
                  on_video_frame: Callable[[int], None] | None = None) -> tuple[GaitSummary, dict[str, Path | str]]:
    """Tables, plots, keypoints and (with `video_name` and a video) the annotated video in `out_dir`.

    Returns the summary (summary.json holds its `to_dict()`) and {kind: path} of what was written.
    """
    from kneeguard.gait.outputs.annotate import write_annotated_video
    from kneeguard.gait.outputs.files import write_outputs

    report, info = result["report"], result["info"]
    series = getattr(report, "series", None) or result["series"]  # cleaned, L/R-swap-corrected when available
    summary = GaitSummary.from_report(report, athlete=athlete, source=source, video_info=info,
                                      extra_warnings=result["warnings"])
    # The annotated video (decode + draw + encode) runs beside the tables and plots.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        video_job = None
        if video_name and info is not None:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            video_job = pool.submit(write_annotated_video, info, series, Path(out_dir) / video_name,
                                    getattr(report, "events", None), title=f"{athlete} — {Path(source).name}",
                                    on_frame=on_video_frame)
        written = write_outputs(out_dir, report, series, summary)
        if video_job is not None:
            written["annotated_video"] = video_job.result()
    return summary, written
