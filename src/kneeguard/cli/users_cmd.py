"""`kneeguard users add|assign|unassign|list|passwd|disable|enable`: accounts for `serve --multi-user`."""
from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from kneeguard.cli.common import (
    DbOption,
    HomeOption,
    JsonOption,
    UserError,
    console,
    store_session,
    print_json,
    user_errors,
)

app = typer.Typer(help="Web accounts for `kneeguard serve --multi-user`: athletes, clinicians, coaches, admins.",
                  no_args_is_help=True)

PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from the first line of standard input (for scripts).")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    # Asked twice without echo: a typo would lock the account holder out.
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command("add")
def add_command(
    username: str,
    role: Annotated[str, typer.Option("--role", help="athlete, clinician, coach or admin.")],
    athlete: Annotated[list[str] | None, typer.Option(
        "--athlete", "-a", help="athlete role: the athlete record (default: the username; created when missing). "
        "clinician/coach: an athlete to assign (repeatable).")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None, home: HomeOption = None,
) -> None:
    """Create an account (the password is asked for twice, without echo)."""
    from kneeguard.store import accounts

    with user_errors():
        chosen = list(athlete or [])
        if role.strip().lower() == "athlete" and len(chosen) > 1:
            raise UserError("an athlete account belongs to one athlete: give --athlete once")
        accounts.clean_username(username)  # a bad name fails before the password is asked
        password = accounts.check_password(_password(password_stdin))
        with store_session(db, home, write=True) as session:
            user = accounts.create_user(session, username, password, role, athlete=chosen[0] if chosen else None)
            for extra in chosen[1:]:
                accounts.assign(session, user.username, extra)
            summary = next(u for u in accounts.list_users(session) if u.username == user.username)
    console.print(f"added {summary.role} [bold]{summary.username}[/]" + _reach(summary))


def _reach(summary) -> str:
    if summary.role == "athlete":
        return f", who sees the athlete [bold]{summary.athlete}[/]"
    if summary.role == "admin":
        return ", who sees every athlete"
    return f", assigned: {', '.join(summary.assigned)}" if summary.assigned else \
        f" (no athletes yet: kneeguard users assign {summary.username} ATHLETE)"


@app.command("assign")
def assign_command(username: str, athlete: str, db: DbOption = None, home: HomeOption = None) -> None:
    """Let a clinician or coach see an athlete."""
    from kneeguard.store import accounts

    _change_assignment(accounts.assign, username, athlete, db, home, ("now sees", "already saw"))


@app.command("unassign")
def unassign_command(username: str, athlete: str, db: DbOption = None, home: HomeOption = None) -> None:
    """Take an athlete away from a clinician or coach."""
    from kneeguard.store import accounts

    _change_assignment(accounts.unassign, username, athlete, db, home, ("no longer sees", "was not assigned"))


def _change_assignment(change, username: str, athlete: str, db, home, words: tuple[str, str]) -> None:
    """Run `change` (assign or unassign) and say whether it changed anything."""
    with user_errors():
        with store_session(db, home, write=True) as session:
            changed = change(session, username, athlete)
    console.print(f"{username.strip().lower()} {words[0] if changed else words[1]} {athlete}")


@app.command("list")
def list_command(as_json: JsonOption = False, db: DbOption = None, home: HomeOption = None) -> None:
    """List accounts with their role and the athletes they see."""
    from kneeguard.store import accounts

    with user_errors():
        with store_session(db, home) as session:
            users = accounts.list_users(session)
    rows = [{"username": u.username, "role": u.role, "athlete": u.athlete, "assigned": list(u.assigned),
             "disabled": u.disabled} for u in users]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no accounts yet: kneeguard users add NAME --role admin")
        return
    table = Table(title="Accounts")
    for col in ("username", "role", "sees", "state"):
        table.add_column(col)
    for u in users:
        sees = "every athlete" if u.role == "admin" else (u.athlete or "") if u.role == "athlete" \
            else ", ".join(u.assigned)
        table.add_row(u.username, u.role, sees, "disabled" if u.disabled else "active")
    console.print(table)


@app.command("passwd")
def passwd_command(username: str, password_stdin: PasswordStdin = False,
                   db: DbOption = None, home: HomeOption = None) -> None:
    """Set a new password (signs the account out everywhere)."""
    from kneeguard.store import accounts

    with user_errors():
        with store_session(db, home) as session:
            accounts.get_user(session, username)  # an unknown name fails before the prompt
        password = accounts.check_password(_password(password_stdin))
        with store_session(db, home, write=True) as session:
            accounts.set_password(session, username, password)
    console.print(f"password changed for [bold]{username.strip().lower()}[/]")


@app.command("disable")
def disable_command(username: str, db: DbOption = None, home: HomeOption = None) -> None:
    """Stop an account from signing in (its open sessions end at their next request)."""
    _set_disabled(username, True, db, home)


@app.command("enable")
def enable_command(username: str, db: DbOption = None, home: HomeOption = None) -> None:
    """Let a disabled account sign in again."""
    _set_disabled(username, False, db, home)


def _set_disabled(username: str, disabled: bool, db, home) -> None:
    from kneeguard.store import accounts

    with user_errors():
        with store_session(db, home, write=True) as session:
            accounts.set_disabled(session, username, disabled)
    console.print(f"{username.strip().lower()} is {'disabled' if disabled else 'enabled'}")
