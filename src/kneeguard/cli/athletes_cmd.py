"""`kneeguard athlete add|set|list`: the people whose data is stored."""
from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kneeguard.cli.common import DbOption, HomeOption, JsonOption, console, print_json, store_session, user_errors

app = typer.Typer(help="Add, change and list athletes (a coach or clinic keeps many).", no_args_is_help=True)

Sex = Annotated[str | None, typer.Option(help="male or female (sets the TRIMP constants).")]
BirthYear = Annotated[int | None, typer.Option("--birth-year")]
Height = Annotated[float | None, typer.Option("--height-cm")]
Mass = Annotated[float | None, typer.Option("--mass-kg")]
HrMax = Annotated[float | None, typer.Option("--hr-max", help="Maximum heart rate, bpm.")]
HrRest = Annotated[float | None, typer.Option("--hr-rest", help="Resting heart rate, bpm.")]


def _fields(sex, birth_year, height_cm, mass_kg, hr_max, hr_rest) -> dict:
    given = dict(sex=sex, birth_year=birth_year, height_cm=height_cm, mass_kg=mass_kg, hr_max=hr_max, hr_rest=hr_rest)
    return {k: v for k, v in given.items() if v is not None}


@app.command("add")
def add_command(
    name: str, sex: Sex = None, birth_year: BirthYear = None, height_cm: Height = None,
    mass_kg: Mass = None, hr_max: HrMax = None, hr_rest: HrRest = None,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Add an athlete."""
    from kneeguard.store import athletes

    with user_errors():
        with store_session(db, home, write=True) as session:
            athletes.create(session, name, **_fields(sex, birth_year, height_cm, mass_kg, hr_max, hr_rest))
    console.print(f"added athlete [bold]{name}[/]")


@app.command("set")
def set_command(
    name: str, sex: Sex = None, birth_year: BirthYear = None, height_cm: Height = None,
    mass_kg: Mass = None, hr_max: HrMax = None, hr_rest: HrRest = None,
    rename: Annotated[str | None, typer.Option(help="New name.")] = None,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Change an athlete's profile (only the options given change)."""
    from kneeguard.store import athletes

    with user_errors():
        changes = _fields(sex, birth_year, height_cm, mass_kg, hr_max, hr_rest)
        if rename:
            changes["name"] = rename
        with store_session(db, home, write=True) as session:
            athletes.update(session, name, **changes)
    console.print(f"updated athlete [bold]{rename or name}[/]")


@app.command("list")
def list_command(as_json: JsonOption = False, db: DbOption = None, home: HomeOption = None) -> None:
    """List athletes."""
    from kneeguard.store import athletes

    with user_errors():
        with store_session(db, home) as session:
            rows = [
                {"name": a.name, "sex": a.sex, "birth_year": a.birth_year, "height_cm": a.height_cm,
                 "mass_kg": a.mass_kg, "hr_max": a.hr_max, "hr_rest": a.hr_rest}
                for a in athletes.list_athletes(session)
            ]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Athletes")
    for col in ["name", "sex", "birth year", "height cm", "mass kg", "HR max", "HR rest"]:
        table.add_column(col)
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r.values()))
    console.print(table)
