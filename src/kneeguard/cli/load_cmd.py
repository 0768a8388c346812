"""`kneeguard load`: the training-load findings for one athlete."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption,
    DbOption,
    HomeOption,
    JsonOption,
    UserError,
    console,
    open_store,
    parse_date,
    print_json,
    user_errors,
)
from kneeguard.cli.render import print_disclaimer, print_notes_and_findings


def register(app: typer.Typer) -> None:
    app.command("load")(load_command)


def load_command(
    athlete: AthleteOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analyse as of this day (YYYY-MM-DD; default today).")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG chart of weekly load here.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Training-load analysis: run spikes, weekly volume, rest, monotony, fitness/fatigue, shoes."""
    with user_errors():
        day = parse_date(as_of, "--as-of") or dt.date.today()
        store = open_store(db, home)
        report = run_load_analysis(store, athlete, day)
        if plot is not None:
            from kneeguard.load.plot import plot_load

            if plot.suffix.lower() != ".png":
                raise UserError(f"--plot must name a .png file, got {plot}")
            plot_load(report, plot)
    if as_json:
        from kneeguard.explain import finding_json

        payload = report.to_dict()
        payload["findings"] = [finding_json(f) for f in report.findings]
        payload["athlete"] = athlete_name(athlete)
        payload["as_of"] = day.isoformat()
        print_json(payload)
        return
    show_load_report(report, athlete_name(athlete), day)
    if plot is not None:
        console.print(f"chart written to [bold]{plot}[/]")


def athlete_name(athlete: str | None) -> str:
    from kneeguard.store.config import DEFAULT_ATHLETE

    return athlete or DEFAULT_ATHLETE


def run_load_analysis(store, athlete: str | None, day: dt.date):
    from kneeguard.advice.context import stored_load_report

    return stored_load_report(store, athlete_name(athlete), day)


def show_load_report(report, name: str, day: dt.date) -> None:
    console.rule(f"[bold]Training load — {name}, as of {day.isoformat()}")
    weekly = report.weekly.tail(6)
    if len(weekly):
        table = Table(title="Last weeks")
        for col in ["week", "km", "runs", "longest km", "change"]:
            table.add_column(col, justify="right")
        for week, w in weekly.iterrows():
            change = w.get("change_pct")
            table.add_row(
                _week_label(week),
                f"{w['distance_km']:.1f}",
                str(int(w["runs"])),
                "" if w["longest_run_km"] != w["longest_run_km"] else f"{w['longest_run_km']:.1f}",  # no run: blank
                "" if change is None or change != change else f"{change:+.0f} %",
            )
        console.print(table)
    for line in _summary_lines(report.summary):
        console.print(line)
    print_notes_and_findings(console, report.warnings, report.findings, "Load")
    print_disclaimer(console)


def _week_label(week) -> str:
    """ISO week and its Monday, e.g. '2026-W46 (9 Nov)'."""
    try:
        monday = week.date() if hasattr(week, "date") else week
        year, number, _ = monday.isocalendar()
        return f"{year}-W{number:02d} ({monday.day} {monday.strftime('%b')})"
    except (AttributeError, ValueError):
        return str(week)


def _summary_lines(summary: dict) -> list[str]:
    labels = {
        "runs_last_28d": "runs in the last 28 days",
        "distance_last_7d_km": "km in the last 7 days",
        "distance_last_28d_km": "km in the last 28 days",
        "longest_run_30d_km": "longest run in the last 30 days (km)",
        "rest_days_last_7d": "rest days in the last 7 days",
        "current_streak_days": "days in a row with a run",
        "monotony_7d": "monotony (7 days)",
        "fitness": "fitness (42-day load)",
        "fatigue": "fatigue (7-day load)",
        "form": "form (fitness − fatigue)",
        "acwr_ewma": "EWMA acute:chronic ratio (context only)",
    }
    lines = []
    for key, label in labels.items():
        value = summary.get(key)
        if value is None:
            continue
        text = f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
        lines.append(f"  {label}: [bold]{text}[/]")
    return lines
