"""The `kneeguard` command line: one Typer app, one module per command group."""
from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

from kneeguard.cli import (
    activities_cmd,
    athletes_cmd,
    batch_cmd,
    checkin_cmd,
    demo_cmd,
    explain_cmd,
    gait_cmd,
    import_cmd,
    load_cmd,
    plan_cmd,
    report_cmd,
    serve_cmd,
    shoes_cmd,
    users_cmd,
    validate_cmd,
)
from kneeguard.cli.common import err_console

app = typer.Typer(
    name="kneeguard",
    help="Find the training-load, gait and clinical factors behind pain behind the knee. "
    "Educational support, not a diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
DEBUG_ENV = "KNEEGUARD_DEBUG"


@app.callback()
def _global_options(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback if kneeguard hits a bug "
                               f"(or set {DEBUG_ENV}=1)."),
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"


import_cmd.register(app)
activities_cmd.register(app)
load_cmd.register(app)
demo_cmd.register(app)
checkin_cmd.register(app)
plan_cmd.register(app)
report_cmd.register(app)
serve_cmd.register(app)
explain_cmd.register(app)
app.add_typer(athletes_cmd.app, name="athlete")
app.add_typer(shoes_cmd.app, name="shoes")
app.add_typer(gait_cmd.app, name="gait")
app.add_typer(validate_cmd.app, name="validate")
app.add_typer(users_cmd.app, name="users")
app.add_typer(batch_cmd.app, name="batch")


def main() -> None:
    """Run the CLI. The user's mistakes were already printed as one line (exit 2);
    whatever still arrives here is a bug in kneeguard, shown as one line unless --debug."""
    try:
        app()
    except Exception as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        err_console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                          "This is a bug in kneeguard, not a problem with your data. "
                          "Run the command again with --debug (kneeguard --debug ...) for the traceback.",
                          markup=True, highlight=False)
        sys.exit(1)
