"""`kneeguard plan edit` / `kneeguard plan edits`: a clinician's edits of an athlete's plan.

    kneeguard plan edit --athlete ana --remove-exercise heel_drop_straight --by "Dr Lee" --note "calf irritable"
    kneeguard plan edit --athlete ana --swap-exercise heel_drop_bent seated_soleus_raise
    kneeguard plan edit --athlete ana --dose single_leg_bridge 3x10/2
    kneeguard plan edit --athlete ana --max-weekly-km 20
    kneeguard plan edit --athlete ana --no-running 2026-12-01 2026-12-14
    kneeguard plan edits --athlete ana [--json]      kneeguard plan edits --athlete ana --remove 3

The command line has no accounts: the edit is signed with --by (default "local clinician").
"""
from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, console, parse_date, print_json, store_session,
    user_errors,
)

EDIT_FLAGS = "--remove-exercise, --swap-exercise, --dose, --max-weekly-km or --no-running"


def register(plan_app: typer.Typer) -> None:
    plan_app.command("edit")(edit_command)
    plan_app.command("edits")(edits_command)


def edit_command(
    athlete: AthleteOption = None,
    remove_exercise: Annotated[str | None, typer.Option("--remove-exercise", metavar="KEY",
                                                        help="Take this exercise out of the plan.")] = None,
    swap_exercise: Annotated[tuple[str, str] | None, typer.Option(
        "--swap-exercise", metavar="OLD NEW", help="Put exercise NEW (same kind, from exercises.toml) in OLD's place.")] = None,
    dose: Annotated[tuple[str, str] | None, typer.Option(
        "--dose", metavar="KEY SETSxREPS[/PER_WEEK]", help="Set an exercise's dose for every week, e.g. 3x15/2.")] = None,
    max_weekly_km: Annotated[float | None, typer.Option("--max-weekly-km", metavar="N",
                                                        help="No plan week runs more than N km.")] = None,
    no_running: Annotated[tuple[str, str] | None, typer.Option(
        "--no-running", metavar="FROM TO", help="No running from FROM to TO (YYYY-MM-DD, both included).")] = None,
    note: Annotated[str, typer.Option("--note", help="Why, for the athlete and other clinicians.")] = "",
    by: Annotated[str | None, typer.Option("--by", help='Who sets it (default "local clinician").')] = None,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Edit an athlete's plan as a clinician; the edit is kept on every regeneration until removed."""
    from kneeguard.advice.overrides import DoseChange, OverrideKind, PlanOverride, clean_author
    from kneeguard.store import plan_overrides
    from kneeguard.store.config import DEFAULT_ATHLETE

    with user_errors():
        given = [x for x in (remove_exercise, swap_exercise, dose, max_weekly_km, no_running) if x is not None]
        if len(given) != 1:
            raise UserError(f"give exactly one edit: {EDIT_FLAGS}")
        author = clean_author(by)
        if remove_exercise is not None:
            edit = PlanOverride(OverrideKind.REMOVE_EXERCISE, author, exercise=remove_exercise, note=note)
        elif swap_exercise is not None:
            edit = PlanOverride(OverrideKind.SWAP_EXERCISE, author, exercise=swap_exercise[0],
                                new_exercise=swap_exercise[1], note=note)
        elif dose is not None:
            edit = PlanOverride(OverrideKind.DOSE, author, exercise=dose[0], dose=DoseChange.parse(dose[1]), note=note)
        elif max_weekly_km is not None:
            edit = PlanOverride(OverrideKind.MAX_WEEKLY_KM, author, max_weekly_km=max_weekly_km, note=note)
        else:
            edit = PlanOverride(OverrideKind.NO_RUNNING, author, start=parse_date(no_running[0], "FROM"),
                                end=parse_date(no_running[1], "TO"), note=note)
        with store_session(db, home, write=True) as session:
            stored = plan_overrides.add(session, athlete or DEFAULT_ATHLETE, edit)
    console.print(f"plan edit [bold]{stored.label}[/] for {escape(athlete or DEFAULT_ATHLETE)}: "
                  f"{escape(stored.describe())} ({escape(stored.set_by())}); see it in `kneeguard plan`")


def edits_command(
    athlete: AthleteOption = None,
    remove: Annotated[int | None, typer.Option("--remove", metavar="ID", help="Take edit ID out of force.")] = None,
    by: Annotated[str | None, typer.Option("--by", help='Who removes it (default "local clinician").')] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """List the clinician's edits in force for an athlete, or remove one (--remove ID)."""
    from kneeguard.store import plan_overrides
    from kneeguard.store.config import DEFAULT_ATHLETE

    name = athlete or DEFAULT_ATHLETE
    with user_errors():
        with store_session(db, home, write=remove is not None) as session:
            if remove is not None:
                gone = plan_overrides.remove(session, name, remove, by)
            edits = plan_overrides.list_active(session, name)
    if remove is not None:
        console.print(f"removed plan edit [bold]{gone.label}[/] ({escape(gone.describe())}) for {escape(name)}")
        return
    if as_json:
        print_json([e.to_dict() for e in edits])
        return
    if not edits:
        console.print(f"no plan edits for {escape(name)} (add one: kneeguard plan edit --help)")
        return
    table = Table(title=f"Plan edits for {escape(name)}")
    for col in ("id", "edit", "set by", "on (UTC)", "note"):
        table.add_column(col)
    for e in edits:
        table.add_row(str(e.id), escape(e.describe()), escape(e.author),
                      e.created_at.strftime("%Y-%m-%d %H:%M") if e.created_at else "", escape(e.note))
    console.print(table)
