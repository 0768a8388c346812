"""`kneeguard gait`: running gait from a side-view video (or a keypoint file), and before/after comparison.

    kneeguard gait run.mp4 --height-cm 180 --out run_gait/   (analyse; same as `gait analyse`)
    kneeguard gait --guide                                   (how to film)
    kneeguard gait compare before.json after.json            (or two output folders)
    kneeguard gait compare --athlete ana                     (the two latest saved sessions)
    kneeguard gait compare 3 5                               (saved sessions by id)

`gait` is a Typer group whose unknown first word is routed to `analyse`, so
`kneeguard gait VIDEO` works next to `kneeguard gait compare A B`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from typer.core import TyperGroup

from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, console, err_console, open_store,
    print_json, store_session, user_errors,
)
from kneeguard.cli.render import print_disclaimer, print_notes_and_findings

if TYPE_CHECKING:
    from kneeguard.gait.summary import GaitSummary

# The gait modules (numpy) are imported inside the functions that use them, so that `kneeguard --help`
# starts fast; METRICS and compare_summaries are kneeguard.gait.compare's (shared with the web app).
__all__ = ["app", "run_gait", "save_results"]


class View(str, Enum):
    side = "side"
    rear = "rear"
    front = "front"


class _VideoByDefault(TyperGroup):
    """Route `kneeguard gait VIDEO ...` to the `analyse` subcommand."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["analyse", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_VideoByDefault,
    help="Running gait from a side-view video: cadence, overstride, knee angles, contact time. "
    "Usage: kneeguard gait VIDEO [OPTIONS] (see `kneeguard gait analyse --help`), "
    "kneeguard gait --guide, kneeguard gait compare BEFORE AFTER.",
    no_args_is_help=True,
)


@contextlib.contextmanager
def gait_errors() -> Iterator[None]:
    """GaitError (bad video, no runner, walking...) is a user problem: one line, exit code 2."""
    from kneeguard.gait.keypoints import GaitError

    with user_errors():
        try:
            yield
        except GaitError as exc:
            raise UserError(str(exc)) from None


@app.command("analyse")
def analyse_command(
    video: Annotated[Path | None, typer.Argument(help="Side-view running video (MP4/MOV).", show_default=False)] = None,
    athlete: AthleteOption = None,
    view: Annotated[View | None, typer.Option("--view", help="Camera view (default: side).")] = None,
    height_cm: Annotated[float | None, typer.Option("--height-cm", help="Runner height, to report cm.")] = None,
    slowmo: Annotated[float | None, typer.Option(
        "--slowmo", help="Slow-motion factor: how many times slower than real time the video plays.")] = None,
    keypoints: Annotated[Path | None, typer.Option(
        "--keypoints", help="Analyse a saved keypoint file (.json/.npz) instead of a video.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output folder (default: <video>_gait next to it).")] = None,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated video (faster).")] = False,
    guide: Annotated[bool, typer.Option("--guide", help="Show how to film a usable video and exit.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Analyse running gait from VIDEO (or --keypoints FILE) and write plots, tables and an annotated video."""
    from kneeguard.gait.capture.guide import capture_guide

    if guide:
        console.print(capture_guide(), markup=False, highlight=False)
        return
    with gait_errors():
        if (video is None) == (keypoints is None):
            raise UserError("give a VIDEO or --keypoints FILE (one of them); see `kneeguard gait --guide`")
        if height_cm is not None and not (100 <= height_cm <= 230):
            raise UserError(f"--height-cm must be between 100 and 230, got {height_cm:g}")
        name = _athlete(athlete)
        result = run_gait(video=video, keypoints=keypoints, view=view.value if view else None,
                          height_cm=height_cm, slowmo=slowmo, progress=not as_json)
        source = video or keypoints
        out_dir = out or source.with_name(f"{source.stem}_gait")
        summary, written = save_results(result, out_dir, athlete=name, source=str(source),
                                        annotated=not no_video, home=home, db=db)
    if as_json:
        from kneeguard.explain import finding_json

        print_json({**summary.to_dict(), "findings": [finding_json(f) for f in summary.findings]})
        return
    show_report(summary, name, written)


@app.command("compare")
def compare_command(
    before: Annotated[str | None, typer.Argument(
        help="Earlier summary.json (or its output folder), or a saved session id.")] = None,
    after: Annotated[str | None, typer.Argument(
        help="Later summary.json (or its output folder), or a saved session id.")] = None,
    athlete: AthleteOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Compare two gait sessions (e.g. before/after cadence retraining); default: the athlete's last two."""
    from kneeguard.gait.compare import cadence_change_note, compare_summaries

    with gait_errors():
        if before is None and after is None:
            with open_store(db, home) as store:
                (before, a), (after, b) = _latest_sessions(store, _athlete(athlete))
        elif before is None or after is None:
            raise UserError("give two summaries (BEFORE AFTER), or none to use the athlete's two latest sessions")
        else:
            (before, a), (after, b) = _resolve(before, db, home), _resolve(after, db, home)
        rows = compare_summaries(a, b)
    if as_json:
        print_json({"before": before, "after": after, "metrics": rows})
        return
    table = Table(title=f"Gait: {Path(before).name} → {Path(after).name}")
    for col in ("metric", "before", "after", "change"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for r in rows:
        table.add_row(r["label"], _fmt(r["before"]), _fmt(r["after"]), _change(r))
    console.print(table)
    note = cadence_change_note(rows)
    if note:
        console.print(note)


# --- pipeline -------------------------------------------------------------------


def run_gait(*, video: Path | None, keypoints: Path | None, view: str | None, height_cm: float | None,
             slowmo: float | None, progress: bool = False) -> dict[str, Any]:
    """Video/keypoints → checked KeypointSeries → GaitReport. Raises GaitError for unusable input."""
    from kneeguard.gait.pipeline import analyse_series
    from kneeguard.gait.capture.pose import keypoints_from_video
    from kneeguard.gait.capture.video import probe_video

    info = None
    if video is not None:
        info = probe_video(video, slowmo=slowmo)
        status = err_console.status(f"pose estimation on {info.n_frames} frames…") if progress else contextlib.nullcontext()
        with status:
            series = keypoints_from_video(info)
        name = video.name
    else:
        series = load_keypoints(keypoints)
        name = keypoints.name
    return analyse_series(series, info, name, view=view, height_cm=height_cm, analyze=analyze)


def analyze(series, *, view: str | None, height_cm: float | None):
    try:
        from kneeguard.gait.analysis import analyze_gait
    except ImportError as exc:
        raise UserError("the gait analysis module is not available in this installation") from exc
    return analyze_gait(series, view=view, height_cm=height_cm)


def load_keypoints(path: Path):
    """A kneeguard keypoint file: JSON (kneeguard.keypoints schema) or the .npz archive."""
    from kneeguard.gait.io.schema_json import read_keypoints_json
    from kneeguard.gait.keypoints import GaitError
    from kneeguard.gait.outputs.files import load_keypoints_npz

    if not path.is_file():
        raise UserError(f"keypoint file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        try:
            return load_keypoints_npz(path)
        except (OSError, KeyError, ValueError) as exc:
            raise GaitError(f"{path.name} is not a kneeguard keypoint archive ({exc})") from None
    if suffix == ".json":
        return read_keypoints_json(path)  # raises KeypointFileError (a ValueError) with a clear message
    raise GaitError(f"{path.name}: unsupported keypoint file (use kneeguard keypoint .json or .npz)")


def save_results(result: dict, out_dir: Path, *, athlete: str, source: str, annotated: bool,
                 home: Path | None, db: str | None = None,
                 recorded_at: dt.datetime | None = None) -> tuple[GaitSummary, dict[str, Path | str]]:
    """Write DIR outputs, the annotated video, and the summary as a gait session in the database."""
    from kneeguard.gait.pipeline import ANNOTATED_MP4, write_results
    from kneeguard.store import records

    summary, written = write_results(result, out_dir, athlete=athlete, source=source,
                                     video_name=ANNOTATED_MP4 if annotated else None)
    with store_session(db, home, write=True) as session:
        session_id = records.save_gait_session(session, athlete, summary.to_dict(), recorded_at,
                                               source=source)
    written["session"] = f"saved as gait session {session_id} (`kneeguard gait compare` takes its id)"
    return summary, written


def _latest_sessions(store, athlete: str) -> tuple[tuple[str, GaitSummary], tuple[str, GaitSummary]]:
    from kneeguard.store import UnknownAthlete, records

    with store.session() as session:
        try:
            saved = records.list_gait_sessions(session, athlete)
        except UnknownAthlete:
            saved = []  # nothing analysed for this name yet
    if len(saved) < 2:
        raise UserError(f"need two saved gait sessions for {athlete!r} to compare, found {len(saved)}")
    return tuple((_session_label(s), _check_summary(s["summary"], _session_label(s))) for s in saved[-2:])


def _resolve(ref: str, db: str | None, home: Path | None) -> tuple[str, GaitSummary]:
    """A summary file or output folder by path; else a saved session by its id."""
    if Path(ref).exists() or not ref.strip().isdigit():
        return str(Path(ref)), _load_summary(Path(ref))
    from kneeguard.store import records

    with store_session(db, home) as session:
        saved = records.get_gait_session(session, int(ref))
    return _session_label(saved), _check_summary(saved["summary"], _session_label(saved))


def _session_label(saved: dict) -> str:
    return f"session {saved['id']} ({saved['recorded_at']:%Y-%m-%d %H:%M} UTC)"


def _load_summary(path: Path) -> GaitSummary:
    path = Path(path)
    if path.is_dir():
        path = path / "summary.json"
    if not path.is_file():
        raise UserError(f"gait summary not found: {path}")
    from kneeguard.json_input import load_json_file

    data = load_json_file(path, "gait summary JSON")
    return _check_summary(data, path.name)


def _check_summary(data: Any, name: str) -> GaitSummary:
    from kneeguard.gait.compare import is_gait_summary
    from kneeguard.gait.summary import GaitSummary

    if not is_gait_summary(data):
        raise UserError(f"{name} is not a kneeguard gait summary")
    return GaitSummary.from_dict(data)


# --- human output ------------------------------------------------------------------


def show_report(summary: GaitSummary, athlete: str, written: dict[str, Path | str]) -> None:
    from kneeguard.gait.compare import METRICS

    console.rule(f"[bold]Running gait — {athlete}, {summary.view} view, {summary.n_steps} steps")
    table = Table()
    for col in ("metric", "value", "left", "right"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key, label, unit in METRICS:
        value = summary.value(key)
        left, right = summary.value(key, "left"), summary.value(key, "right")
        if value is None and left is None and right is None:
            continue
        table.add_row(label + (f" ({unit})" if unit else ""), _fmt(value), _fmt(left), _fmt(right))
    console.print(table)
    for line in (summary.side_difference_note, summary.quality_text):
        if line:
            console.print(line, markup=False, highlight=False)
    print_notes_and_findings(console, summary.warnings, summary.findings, "Gait")
    for kind, path in written.items():
        console.print(f"[dim]{kind}:[/] {path}")
    print_disclaimer(console)


def _athlete(athlete: str | None) -> str:
    from kneeguard.store.config import DEFAULT_ATHLETE

    return athlete or DEFAULT_ATHLETE


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _change(row: dict) -> str:
    if row["change"] is None:
        return "" if row["before"] == row["after"] else "changed"
    pct = f" ({row['change_pct']:+.1f} %)" if row["change_pct"] is not None else ""
    return f"{row['change']:+.2f}".rstrip("0").rstrip(".") + pct
