"""`kneeguard serve`: the local web app on http://127.0.0.1:8000, single-user or `--multi-user`."""
from __future__ import annotations

from typing import Annotated

import typer

from kneeguard.cli.common import (
    DbOption,
    HomeOption,
    UserError,
    console,
    open_store,
    user_errors,
)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _require_accounts(store) -> None:
    from kneeguard.store import accounts

    with store.session() as session:
        if accounts.count_users(session) == 0:
            raise UserError("--multi-user needs at least one account, and there is none (or all are disabled). "
                            "Create one first, with the same --db/--home: kneeguard users add NAME --role admin")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Keep 127.0.0.1 unless you know why.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest upload accepted, in MB.")] = 200.0,
    multi_user: Annotated[bool, typer.Option(
        "--multi-user", help="Accounts and login (create them with `kneeguard users add`); each account sees "
        "only its athletes. Meant for PostgreSQL (--db postgresql+psycopg://...).")] = False,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Mark cookies Secure (https only): use behind an https reverse proxy.")] = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Open the web app in your browser: import, activities, load, check-in, plan, report, shoes."""
    import uvicorn

    from kneeguard.web import create_app

    with user_errors():
        if not 1 <= port <= 65535:
            raise UserError(f"--port must be between 1 and 65535, got {port}")
        if max_upload_mb <= 0:
            raise UserError(f"--max-upload-mb must be positive, got {max_upload_mb:g}")
        store = open_store(db, home)
        if multi_user:
            _require_accounts(store)
        app = create_app(store, max_upload_mb=max_upload_mb, multi_user=multi_user, secure_cookies=secure_cookies)
    if host not in LOOPBACK and not multi_user:
        # Single-user mode has no accounts: anyone who reaches the port sees every athlete.
        console.print(f"[bold yellow]warning:[/] listening on {host} exposes all data without a login; "
                      "use --multi-user to require accounts.")
    elif host not in LOOPBACK and not secure_cookies:
        console.print("[yellow]note:[/] passwords cross the network in clear text over plain http; put an https "
                      "reverse proxy in front and add --secure-cookies.")
    console.print(f"kneeguard is running at [bold]http://{'[' + host + ']' if ':' in host else host}:{port}/[/] "
                  "(Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
