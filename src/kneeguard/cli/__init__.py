"""The `kneeguard` command line: one Typer app, one module per command group.

`kneeguard.cli.app` has every command (tests and `--help` use it); `main()` loads only the module of the command
that runs, so a short command starts in a fraction of the time."""
from __future__ import annotations

import importlib
import os
import sys

import typer
from rich.markup import escape

from kneeguard.cli.common import err_console

APP_SETTINGS = dict(
    name="kneeguard",
    help="Find the training-load, gait and clinical factors behind pain behind the knee. "
    "Educational support, not a diagnosis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
DEBUG_ENV = "KNEEGUARD_DEBUG"


def _global_options(
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback if kneeguard hits a bug "
                               f"(or set {DEBUG_ENV}=1)."),
) -> None:
    if debug:
        os.environ[DEBUG_ENV] = "1"


# Each command's module, loaded only when that command runs (issue 18: a short command does not pay for the
# others' imports). Listed in the order `kneeguard --help` shows them.
#   name -> (module, attribute): attribute "register" means `module.register(app)` adds the command(s);
#   any other attribute is a Typer sub-app added under the name.
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("import_cmd", "register"),
    "activities": ("activities_cmd", "register"),
    "load": ("load_cmd", "register"),
    "demo": ("demo_cmd", "register"),
    "checkin": ("checkin_cmd", "register"),
    "plan": ("plan_cmd", "register"),
    "report": ("report_cmd", "register"),
    "serve": ("serve_cmd", "register"),
    "explain": ("explain_cmd", "register"),
    "athlete": ("athletes_cmd", "app"),
    "shoes": ("shoes_cmd", "app"),
    "gait": ("gait_cmd", "app"),
    "validate": ("validate_cmd", "app"),
    "users": ("users_cmd", "app"),
    "batch": ("batch_cmd", "app"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or only the one named `only` (the one about to run)."""
    target = typer.Typer(**APP_SETTINGS)
    target.callback()(_global_options)
    for name, (module_name, attribute) in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = importlib.import_module(f"kneeguard.cli.{module_name}")
        if attribute == "register":
            module.register(target)
        else:
            target.add_typer(getattr(module, attribute), name=name)
    return target


def _command_in(argv: list[str]) -> str | None:
    """The command the arguments name (the first word that is not a global option), when it is a known one."""
    for word in argv:
        if word.startswith("-"):
            continue
        return word if word in COMMANDS else None
    return None


def _app_for(argv: list[str]) -> typer.Typer:
    """The app to run: with only the named command registered, or with all of them (bare `kneeguard`,
    `--help`, an unknown command: Typer then lists them all or names the mistake)."""
    return build_app(only=_command_in(argv))


def main() -> None:
    """Run the CLI. The user's mistakes were already printed as one line (exit 2);
    whatever still arrives here is a bug in kneeguard, shown as one line unless --debug."""
    try:
        _app_for(sys.argv[1:])()
    except Exception as exc:
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        err_console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                          "This is a bug in kneeguard, not a problem with your data. "
                          "Run the command again with --debug (kneeguard --debug ...) for the traceback.",
                          markup=True, highlight=False)
        sys.exit(1)


_FULL_APP: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """`from kneeguard.cli import app`: the app with every command, built on first use."""
    global _FULL_APP
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _FULL_APP is None:
        _FULL_APP = build_app()
    return _FULL_APP
