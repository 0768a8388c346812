"""`kneeguard demo`: the whole load pipeline on the bundled sample data."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Annotated

import typer

from kneeguard.cli.common import console, user_errors

DEMO_ATHLETE = "demo runner"


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo database, chart and JSON.")] = Path("kneeguard-demo"),
) -> None:
    """Build a demo athlete from the bundled real device files and show the load findings."""
    from kneeguard.cli.import_cmd import import_command
    from kneeguard.cli.load_cmd import run_load_analysis, show_load_report
    from kneeguard.ingest.readers import read_path
    from kneeguard.load.plot import plot_load
    from kneeguard.sample import bundled_files, template_file
    from kneeguard.sample.history import DEMO_END, write_demo_history
    from kneeguard.store import athletes, open_store, shoes

    with user_errors():
        if out.exists():
            shutil.rmtree(out)  # the demo always starts from scratch, so its output is reproducible
        out.mkdir(parents=True)
        home = out / "data"
        console.rule("[bold]kneeguard demo")
        console.print(
            "Demo athlete: the bundled real device files (Garmin FR110, FR70, fenix 2, fenix 5, Stryd) plus a\n"
            "12-week history re-timed from the FR110 run's route and heart rate, with the load errors\n"
            f"kneeguard looks for. Analysed as of {DEMO_END.isoformat()}.\n"
        )
        template = read_path(template_file()).activities[0].samples
        history = write_demo_history(template, out / "history")

        store = open_store(home=home)
        with store.write() as session:
            athletes.create(session, DEMO_ATHLETE, sex="female", birth_year=1988, height_cm=168,
                            mass_kg=58, hr_max=190, hr_rest=52)
            first_day = min(p.stem.removeprefix("demo-") for p in history)

            shoes.add(session, DEMO_ATHLETE, "Daily trainer (old)", start_km=610, default=True,
                      created_on=dt.date.fromisoformat(first_day))
        store.close()

    try:
        import_command([*bundled_files(), out / "history"], athlete=DEMO_ATHLETE, as_json=False, db=None, home=home)
    except typer.Exit as exit_:
        if exit_.exit_code:
            raise

    with user_errors():
        store = open_store(home=home)
        report = run_load_analysis(store, DEMO_ATHLETE, DEMO_END)
        plot_path = plot_load(report, out / "load.png")
        payload = report.to_dict()
        payload.update(athlete=DEMO_ATHLETE, as_of=DEMO_END.isoformat())
        (out / "load.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    show_load_report(report, DEMO_ATHLETE, DEMO_END)
    console.print(f"\nWrote [bold]{plot_path}[/] (weekly load chart), [bold]{out / 'load.json'}[/], "
                  f"and the demo database under [bold]{home}[/].")
    console.print(f"Explore it: [bold]kneeguard activities --home {home} --athlete '{DEMO_ATHLETE}'[/]")
