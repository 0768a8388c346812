"""What every command shares: the store options, the console and error handling."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from kneeguard.errors import UserError
from kneeguard.text import one_line

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: SQLite under KNEEGUARD_HOME; env KNEEGUARD_DB)."),
]
HomeOption = Annotated[
    Path | None,
    typer.Option("--home", help="Data folder (default: env KNEEGUARD_HOME or the user data dir)."),
]
AthleteOption = Annotated[str | None, typer.Option("--athlete", "-a", help="Athlete name (default: 'me').")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines instead of tables.")]


# Paths the user typed on the command line: a missing or unreadable one is their problem, not a bug.
USER_OS_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the user's mistakes into one clear line and exit code 2; anything else is a bug and propagates."""
    try:
        yield
    except (UserError, *USER_OS_ERRORS) as exc:
        err_console.print(f"[bold red]error:[/] {escape(_message(exc))}")
        raise typer.Exit(2) from None


def _message(exc: BaseException) -> str:
    """One line: names and file names inside may carry newlines or escape codes."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return one_line(f"{exc.filename}: {exc.strerror or exc}")
    return one_line(str(exc))


def open_store(db: str | None, home: Path | None):
    """The user's store from --db/--home (or the environment); a bad URL or unreachable server is one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from kneeguard.store import open_store as _open

    try:
        return _open(url=db, home=home)
    except (SQLAlchemyError, OSError) as exc:
        raise UserError(f"cannot open the database: {exc}") from exc


def require_stored_athlete(store, athlete: str | None) -> None:
    """An athlete named with --athlete must be stored (UnknownAthlete names the known ones): a misspelt name gave
    an empty plan or report and exit code 0. Without --athlete the default athlete may have no data yet."""
    if athlete is None:
        return
    from kneeguard.store import athletes

    with store.session() as session:
        athletes.get(session, athlete)


def announce_new_athlete(store, athlete: str | None) -> None:
    """Say so when a writing command (import, check-in) is about to create an athlete beside others: a misspelt
    --athlete otherwise made a new athlete silently (a coach). A name differing only in capitals or spaces is
    refused where the athlete is created."""
    if athlete is None:
        return
    from kneeguard.store import athletes

    with store.session() as session:
        if athletes.find(session, athlete) is not None:
            return
        athletes.refuse_near_twin(session, athletes.clean_name(athlete))
        known = athletes.list_names(session)
    if known:
        err_console.print(f"[yellow]new athlete[/] '{escape(athlete.strip())}' (known: {escape(', '.join(known))}); "
                          "check the spelling if you meant one of them", soft_wrap=True)


@contextlib.contextmanager
def store_session(db: str | None, home: Path | None, *, write: bool = False):
    """One session on the user's store (a transaction when `write`), the store closed afterwards."""
    with open_store(db, home) as store, (store.write() if write else store.session()) as session:
        yield session


def print_json(payload: Any) -> None:
    """JSON for machines: numpy values, dates and NaN made plain by the one helper (values not rounded)."""
    from kneeguard.jsonable import plain

    sys.stdout.write(json.dumps(plain(payload, digits=None), indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def parse_date(text: str | None, name: str = "date") -> dt.date | None:
    """A day option (`kneeguard.dates.parse_day`: the format and the range), None when not given."""
    from kneeguard.dates import parse_day

    return None if text is None else parse_day(text, name)
