"""`kneeguard activities`: what has been imported."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kneeguard.activity_time import activity_seconds
from kneeguard.cli.common import (AthleteOption, DbOption, HomeOption, JsonOption, console, err_console, print_json,
                                  store_session, user_errors)


def register(app: typer.Typer) -> None:
    app.command("activities")(activities_command)


def activities_command(
    athlete: AthleteOption = None,
    sport: Annotated[str | None, typer.Option(help="Only this sport, e.g. running.")] = None,
    limit: Annotated[int, typer.Option(min=0, help="Show at most this many (newest first); 0 = all.")] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """List imported activities, newest first."""
    from kneeguard.store.queries import list_activities

    with user_errors():
        with store_session(db, home) as session:
            rows = list_activities(session, athlete=athlete)
    if sport:  # as stored ('running'); 'RUNNING' found nothing and said nothing (a research engineer)
        known = sorted({str(r["sport"]) for r in rows if r["sport"]})
        rows = [r for r in rows if str(r["sport"]).lower() == sport.strip().lower()]
        if not rows and known:
            err_console.print(f"no {sport!r} activities; the sports here: {', '.join(known)}")
    rows.sort(key=lambda r: r["start"], reverse=True)
    if limit and not as_json:
        rows = rows[:limit]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Activities ({len(rows)} shown)")
    for col, justify in [("id", "right"), ("athlete", "left"), ("start (UTC)", "left"), ("sport", "left"),
                         ("km", "right"), ("time", "right"), ("HR", "right"), ("cadence", "right"),
                         ("device", "left")]:
        table.add_column(col, justify=justify)
    for r in rows:
        table.add_row(
            str(r["id"]), r["athlete"], r["start"][:16].replace("T", " "), r["sport"],
            _fmt(r["distance_m"], 1000, 2), _hms(activity_seconds(r)[0]), _fmt(r["avg_hr"], 1, 0),
            _fmt(r["avg_cadence_spm"], 1, 0), r["device"] or "",
        )
    console.print(table)


def _fmt(value, divisor: float, digits: int) -> str:
    return "" if value is None else f"{value / divisor:.{digits}f}"


def _hms(seconds) -> str:
    if seconds is None:
        return ""
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
