"""`kneeguard plan tick DATE KIND`: tick a plan session off with the pain during it and the next morning
(0-10), or `--undo` the tick. The next `kneeguard plan` adapts by the pain rule (`kneeguard.pain_rule`)."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape

from kneeguard.advice.ticks import TICKABLE_KINDS
from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, UserError, console, open_store, parse_date, user_errors,
)

def register(plan_app: typer.Typer) -> None:
    plan_app.command("tick")(tick_command)


def tick_command(
    day: Annotated[str, typer.Argument(metavar="DATE", help="The session's day (YYYY-MM-DD).")],
    kind: Annotated[str, typer.Argument(metavar="KIND", help=f"The session: {', '.join(TICKABLE_KINDS)}.")],
    pain_during: Annotated[int | None, typer.Option(
        "--pain-during", help="Pain during the session, 0-10 (acceptable up to the pain rule's limit).")] = None,
    pain_morning: Annotated[int | None, typer.Option(
        "--pain-morning", help="Pain the next morning, 0-10 (add it the day after with another tick).")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Remove the tick instead.")] = False,
    athlete: AthleteOption = None,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Tick a plan session off as done, with the pain during it and the next morning (0-10)."""
    from kneeguard.advice.ticks import checked_tick, record_tick, undo_tick

    with user_errors():
        when = parse_date(day, "DATE")
        now = dt.date.today()
        if undo:
            if pain_during is not None or pain_morning is not None:
                raise UserError("--undo removes the tick: give it no --pain-during or --pain-morning")
            checked_tick(when, kind, now)
            with open_store(db, home) as store:
                removed = undo_tick(store, athlete, when, kind)
            console.print(f"{kind} on {when}: " + ("tick removed" if removed else "was not ticked"))
            return
        request = checked_tick(when, kind, now, pain_during=pain_during, pain_morning=pain_morning)
        with open_store(db, home) as store:
            tick = record_tick(store, athlete, request)
    pains = [f"pain during {tick.pain_during}/10" if tick.pain_during is not None else "",
             f"next morning {tick.pain_morning}/10" if tick.pain_morning is not None else ""]
    console.print(escape(f"{kind} on {when}: done" + "".join(f", {p}" for p in pains if p))
                  + ". Run [bold]kneeguard plan[/] to see how the next sessions adapt.")
