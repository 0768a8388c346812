"""`kneeguard import PATH...`: activity files, folders and export archives."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.markup import escape
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption,
    announce_new_athlete,
    DbOption,
    HomeOption,
    JsonOption,
    console,
    err_console,
    open_store,
    print_json,
    user_errors,
)
from kneeguard.text import one_line

STATUS_STYLE = {"imported": "green", "duplicate": "dim", "skipped": "yellow", "error": "bold red"}


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, or Strava/Garmin export zips.")],
    athlete: AthleteOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Import activity files (FIT, GPX, TCX, gzipped), folders and export archives.

    Re-importing never duplicates; one bad file never stops the rest. Exit code 1
    when any file failed.
    """
    from kneeguard.ingest.sources import count_sources, iter_sources

    with user_errors():
        total = count_sources(paths)
        if total == 0 and all(path.is_dir() for path in paths):
            # Nothing to read: say so without opening (or creating) the store.
            _print_nothing_found(paths, as_json)
            return
        from kneeguard.store.config import DEFAULT_ATHLETE
        from kneeguard.store.decode_ahead import workers_for
        from kneeguard.store.importer import import_sources

        store = open_store(db, home)
        announce_new_athlete(store, athlete)
        outcomes = []
        progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeRemainingColumn(),
            console=err_console,
            transient=as_json,
            disable=not err_console.is_terminal and as_json,
        )
        counts = dict.fromkeys(STATUS_STYLE, 0)
        with progress:
            task = progress.add_task("importing", total=total or None, counts="")

            def on_file(outcome) -> None:
                outcomes.append(outcome)
                counts[outcome.status] += 1
                summary = " ".join(f"{k} {v}" for k, v in counts.items() if v)
                progress.update(task, advance=1, counts=summary)
                if not as_json and outcome.status == "error":
                    progress.console.print(f"[bold red]error[/] {_plain(outcome.file)}: {_plain(outcome.error)}",
                                           soft_wrap=True)

            import_sources(store, iter_sources(paths), athlete=athlete or DEFAULT_ATHLETE, on_file=on_file,
                           decode_workers=workers_for(total, os.cpu_count()))

    if as_json:
        print_json(
            [
                {
                    "file": o.file,
                    "status": o.status,
                    "activities": o.activities,
                    "error": o.error,
                    "warnings": list(o.warnings),
                }
                for o in outcomes
            ]
        )
    else:
        print_outcomes(outcomes, counts)
    if counts["error"]:
        raise typer.Exit(1)


def _print_nothing_found(folders: list[Path], as_json: bool) -> None:
    if as_json:
        print_json([])
        return
    names = ", ".join(_plain(str(folder)) for folder in folders)
    console.print(f"Nothing to import: no FIT, GPX or TCX files or export archives in {names}.")


def print_outcomes(outcomes, counts, athletes: list[str] | None = None) -> None:
    """Every file for small batches; for large ones only the files that need attention. `athletes` (one per
    outcome; `kneeguard batch import`): an athlete column, since two athletes' watches name files alike."""
    notable = [i for i, o in enumerate(outcomes) if o.status in ("error", "skipped") or o.warnings]
    shown = list(range(len(outcomes))) if len(outcomes) <= 20 else notable
    if shown:
        table = Table(title="Import" if len(shown) == len(outcomes) else "Files that need attention")
        if athletes is not None:
            table.add_column("athlete", overflow="fold")
        table.add_column("file", overflow="fold")
        table.add_column("status")
        table.add_column("activities", justify="right")
        table.add_column("note", overflow="fold")
        for i in shown[:200]:
            o = outcomes[i]
            note = o.error or "; ".join(o.warnings)
            cells = [_plain(_short(o.file)), f"[{STATUS_STYLE[o.status]}]{o.status}[/]", str(o.activities),
                     _plain(note)]
            table.add_row(*([_plain(athletes[i])] if athletes is not None else []), *cells)
        console.print(table)
        if len(shown) > 200:
            console.print(f"... and {len(shown) - 200} more (use --json for the full list)")
    console.print(
        "  ".join(f"[{STATUS_STYLE[k]}]{k}: {v}[/]" for k, v in counts.items())
        + f"  (new activities: {sum(o.activities for o in outcomes if o.status == 'imported')})"
    )


def _plain(text: str) -> str:
    """File names and notes come from files and archives: no markup, no escape codes."""
    return escape(one_line(text))


def _short(name: str) -> str:
    """Paths below the working folder are shown relative to it."""
    try:
        return str(Path(name).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11)
        return name
