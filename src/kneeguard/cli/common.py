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


class UserError(Exception):
    """A problem the user can fix; printed as one line, never a traceback."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one clear line and exit code 2."""
    from kneeguard.evidence import UnknownEvidence

    try:
        yield
    except (UserError, LookupError, ValueError, FileNotFoundError, PermissionError) as exc:
        if isinstance(exc, UnknownEvidence):
            raise
        err_console.print(f"[bold red]error:[/] {_message(exc)}")
        raise typer.Exit(2) from None


def _message(exc: BaseException) -> str:
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def open_store(db: str | None, home: Path | None):
    from kneeguard.store import open_store as _open

    try:
        return _open(url=db, home=home)
    except Exception as exc:  # a bad URL or unreachable server is a user problem
        raise UserError(f"cannot open the database: {exc}") from exc


def print_json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, default=_json_default, ensure_ascii=False) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def parse_date(text: str | None, name: str = "date") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{name} must be YYYY-MM-DD, got {text!r}") from None
