"""`kneeguard shoes add|list|assign|retire|set`: shoe mileage and alerts."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, announce_new_athlete, console, open_store,
    parse_date, print_json, store_session, user_errors,
)

app = typer.Typer(help="Track kilometres per shoe, with an alert limit and rotation.", no_args_is_help=True)


def _athlete(name: str | None) -> str:
    from kneeguard.store.config import DEFAULT_ATHLETE

    return name or DEFAULT_ATHLETE


@app.command("add")
def add_command(
    name: str,
    athlete: AthleteOption = None,
    start_km: Annotated[float, typer.Option("--start-km", help="Kilometres already on the shoe.")] = 0.0,
    alert_km: Annotated[float | None, typer.Option("--alert-km", help="Alert limit (default from the evidence registry).")] = None,
    default: Annotated[bool, typer.Option("--default", help="Runs with no other shoe count on this one.")] = False,
    notes: Annotated[str, typer.Option()] = "",
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Add a shoe. Runs count on it by Strava gear name, date range, or as the default shoe."""
    from kneeguard.store import athletes, shoes

    with user_errors():
        with open_store(db, home) as store:
            announce_new_athlete(store, athlete)  # a misspelt --athlete made a new athlete without a word
            with store.write() as session:
                athletes.get_or_create(session, _athlete(athlete))
                shoe = shoes.add(session, _athlete(athlete), name, start_km=start_km, alert_km=alert_km,
                                 default=default, notes=notes)
                limit = shoe.alert_km
    console.print(f"added shoe [bold]{name}[/] (alert at {limit:.0f} km{', default' if default else ''})")


@app.command("list")
def list_command(
    athlete: AthleteOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Distances up to this day (default today).")] = None,
    as_json: JsonOption = False, db: DbOption = None, home: HomeOption = None,
) -> None:
    """List shoes with their distance against the alert limit."""
    from kneeguard.store import shoes

    with user_errors():
        day = parse_date(as_of, "--as-of") or dt.date.today()
        with store_session(db, home) as session:
            statuses = shoes.list_shoes(session, _athlete(athlete), as_of=day)
    rows = [
        {"name": s.name, "distance_km": round(s.distance_km, 1), "alert_km": s.alert_km,
         "used_pct": round(100 * s.distance_km / s.alert_km, 1) if s.alert_km else None,
         "retired": s.retired, "runs": s.runs, "first_used": s.first_used, "last_used": s.last_used}
        for s in statuses
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"Shoes as of {day.isoformat()}")
    for col in ["shoe", "km", "alert km", "used", "runs", "last used", "state"]:
        table.add_column(col)
    for r in rows:
        over = r["used_pct"] is not None and r["used_pct"] >= 100
        table.add_row(
            r["name"], f"{r['distance_km']:.1f}", f"{r['alert_km']:.0f}",
            f"[{'bold red' if over else 'green'}]{r['used_pct']:.0f} %[/]" if r["used_pct"] is not None else "",
            str(r["runs"]), str(r["last_used"] or ""), "retired" if r["retired"] else "in use",
        )
    console.print(table)
    active = [r for r in rows if not r["retired"]]
    if len(active) == 1:
        console.print("[dim]Tip: runners who rotated more than one pair had fewer injuries (Malisoux 2015).[/]")


@app.command("assign")
def assign_command(
    name: str,
    athlete: AthleteOption = None,
    from_date: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD) of runs on this shoe.")] = None,
    to_date: Annotated[str | None, typer.Option("--to", help="Last day (inclusive); open-ended if left out.")] = None,
    activity: Annotated[list[int] | None, typer.Option("--activity", help="Put these activity ids on the shoe.")] = None,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Say which runs were on a shoe: a date range, or explicit activity ids."""
    from kneeguard.store import shoes

    with user_errors():
        start, end = parse_date(from_date, "--from"), parse_date(to_date, "--to")
        if not activity and start is None:
            raise UserError("give --from DATE (and optionally --to DATE) or --activity ID")
        with store_session(db, home, write=True) as session:
            if activity:
                count = shoes.assign_activities(session, _athlete(athlete), name, activity)
                message = f"{count} activities now on [bold]{name}[/]"
            if start is not None:
                shoes.assign(session, _athlete(athlete), name, start, end)
                message = f"runs from {start} to {end or 'now'} are on [bold]{name}[/]"
    console.print(message)


@app.command("retire")
def retire_command(
    name: str, athlete: AthleteOption = None,
    on: Annotated[str | None, typer.Option("--on", help="Retirement day (default today).")] = None,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Retire a shoe: it stops collecting runs and alerts."""
    from kneeguard.store import shoes

    with user_errors():
        day = parse_date(on, "--on")
        with store_session(db, home, write=True) as session:
            shoe = shoes.retire(session, _athlete(athlete), name, on=day)
            when = shoe.retired_on
    console.print(f"retired [bold]{name}[/] on {when}")


@app.command("set")
def set_command(
    name: str, athlete: AthleteOption = None,
    alert_km: Annotated[float | None, typer.Option("--alert-km", help="New alert limit.")] = None,
    default: Annotated[bool | None, typer.Option("--default/--no-default", help="Make (or stop making) it the default shoe.")] = None,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Change a shoe's alert limit or default flag."""
    from kneeguard.store import shoes

    with user_errors():
        if alert_km is None and default is None:
            raise UserError("nothing to change: give --alert-km and/or --default/--no-default")
        with store_session(db, home, write=True) as session:
            if alert_km is not None:
                shoes.set_alert(session, _athlete(athlete), name, alert_km)
            if default is True:
                shoes.set_default(session, _athlete(athlete), name)
            elif default is False:
                shoes.get(session, _athlete(athlete), name).is_default = False
    console.print(f"updated shoe [bold]{name}[/]")
