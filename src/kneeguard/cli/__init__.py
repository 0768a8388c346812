"""The `kneeguard` command line: one Typer app, one module per command group."""
from __future__ import annotations

import typer

from kneeguard.cli import (
    activities_cmd,
    athletes_cmd,
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

app = typer.Typer(
    name="kneeguard",
    help="Find the training-load, gait and clinical factors behind pain behind the knee. "
    "Educational support, not a diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
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


def main() -> None:
    app()
