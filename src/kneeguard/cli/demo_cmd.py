"""`kneeguard demo`: the whole pipeline on the bundled sample data.

A demo athlete gets the bundled real device files plus a 12-week history re-timed
from one of them, a gait session from a real treadmill clip's keypoints, and a
typical check-in with self-tests; then the load findings are shown and the report
(HTML and PDF), the plan and its calendar are written.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Annotated

import typer

from kneeguard.cli.common import console, err_console, user_errors

DEMO_ATHLETE = "demo runner"
DEMO_HEIGHT_CM = 178


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)


def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo database, report, plan and charts.")] = Path("kneeguard-demo"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the report as PDF.")] = True,
) -> None:
    """Build a demo athlete from the bundled sample data; show the load findings; write report and plan."""
    from kneeguard.cli.import_cmd import import_command
    from kneeguard.cli.load_cmd import run_load_analysis, show_load_report
    from kneeguard.load.plot import plot_load
    from kneeguard.sample.history import DEMO_END
    from kneeguard.store import open_store

    with user_errors():
        if out.exists():
            shutil.rmtree(out)  # the demo always starts from scratch, so its output is reproducible
        out.mkdir(parents=True)
        home = out / "data"
        console.rule("[bold]kneeguard demo")
        console.print(
            "Demo athlete: the bundled real device files (Garmin FR110, FR70, fenix 2, fenix 5, Stryd) plus a\n"
            "12-week history re-timed from the FR110 run's route and heart rate, a gait session from a real\n"
            "treadmill clip, and a typical check-in with self-tests. Analysed as of "
            f"{DEMO_END.isoformat()}.\n"
        )
        sources = _prepare(out, home)

    try:
        import_command(sources, athlete=DEMO_ATHLETE, as_json=False, db=None, home=home)
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
        _gait_session(out, home, DEMO_END)
        level = _checkins(store, DEMO_END)
        written = _report_and_plan(store, out, DEMO_END, pdf)
        store.close()
    show_load_report(report, DEMO_ATHLETE, DEMO_END)
    console.print(f"\nCheck-in triage level: [bold]{level}[/] (see the report for reasons and possible causes).")
    console.print(f"Wrote [bold]{plot_path}[/], [bold]{out / 'load.json'}[/], " + ", ".join(f"[bold]{p}[/]" for p in written))
    console.print(f"Explore it: [bold]kneeguard plan --home {home} --athlete '{DEMO_ATHLETE}' --as-of {DEMO_END}[/]")


def _prepare(out: Path, home: Path) -> list[Path]:
    """Create the athlete and shoe; write the demo history; return the files to import."""
    from kneeguard.ingest.readers import read_path
    from kneeguard.sample import bundled_files, template_file
    from kneeguard.sample.history import write_demo_history
    from kneeguard.store import athletes, open_store, shoes

    template = read_path(template_file()).activities[0].samples
    history = write_demo_history(template, out / "history")
    first_day = min(dt.date.fromisoformat(p.stem.removeprefix("demo-")) for p in history)
    with open_store(home=home) as store, store.write() as session:
        athletes.create(session, DEMO_ATHLETE, sex="female", birth_year=1988, height_cm=DEMO_HEIGHT_CM - 10,
                        mass_kg=58, hr_max=190, hr_rest=52)
        shoes.add(session, DEMO_ATHLETE, "Daily trainer (old)", start_km=610, default=True, created_on=first_day)
    return [*bundled_files(), out / "history"]


def _gait_session(out: Path, home: Path, end: dt.date) -> None:
    """Analyse the bundled keypoints of a real treadmill clip and store it as a session."""
    from kneeguard.cli.gait_cmd import run_gait, save_results
    from kneeguard.sample import sample_keypoints

    result = run_gait(video=None, keypoints=sample_keypoints(), view="side", height_cm=DEMO_HEIGHT_CM, slowmo=None)
    when = dt.datetime.combine(end - dt.timedelta(days=2), dt.time(18, 0), tzinfo=dt.timezone.utc)
    # The demo runner is made of sample data (history, check-ins, this clip): named so, not by its file name.
    source = "demo sample clip"
    save_results(result, out / "gait", athlete=DEMO_ATHLETE, source=source, annotated=False,
                 home=home, recorded_at=when)


def _checkins(store, end: dt.date) -> str:
    """A check-in a week before the end (a little less pain) and the bundled one on the last day."""
    from kneeguard.clinic import assess
    from kneeguard.advice.checkins import load_checkins, save_checkin
    from kneeguard.sample import sample_checkin

    latest = json.loads(sample_checkin().read_text(encoding="utf-8"))
    earlier = {**latest, "pain_during_run": 3, "pain_after_run": 3, "pain_next_morning": 1, "duration_weeks": 2}
    level = "unknown"
    for answers, day in ((earlier, end - dt.timedelta(days=7)), (latest, end)):
        history = load_checkins(DEMO_ATHLETE, store=store)
        result = assess(answers, history=history, today=day)
        save_checkin(result.record, DEMO_ATHLETE, now=dt.datetime.combine(day, dt.time(20, 0), tzinfo=dt.timezone.utc),
                     store=store)
        level = result.level.value
    return level


def _report_and_plan(store, out: Path, end: dt.date, pdf: bool) -> list[Path]:
    from kneeguard.advice.ics import write_ics
    from kneeguard.report import write_html
    from kneeguard.report.stored import build_report_from_store

    doc, advice = build_report_from_store(store, DEMO_ATHLETE, end, weeks=6, gait_dir=out / "gait")
    written = [write_ics(advice, out / "plan.ics")]
    (out / "plan.json").write_text(json.dumps(advice.to_dict(), indent=2, default=str), encoding="utf-8")
    written.append(out / "plan.json")
    html = write_html(doc, out / "report.html")
    summary = write_html(doc, out / "report-summary.html", summary_only=True)  # the two-page clinician summary
    written += [html, summary]
    if pdf:
        from kneeguard.report.pdf import PdfEngineMissing, PdfError, write_pdf

        try:
            written.append(write_pdf(html, out / "report.pdf"))
            written.append(write_pdf(summary, out / "report-summary.pdf"))
        except (PdfEngineMissing, PdfError) as exc:
            err_console.print(f"[yellow]note:[/] no PDF written: {exc}")
    return written
