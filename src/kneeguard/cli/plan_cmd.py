"""`kneeguard plan`: the personal plan (triage banner, top factors, this week, exercises), JSON or a calendar;
`kneeguard plan tick` (cli/plan_tick_cmd.py) ticks a session off with its pain;
`kneeguard plan edit|edits`: the clinician's edits of it (`plan_edits_cmd`)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, console, open_store, parse_date, print_json,
    require_stored_athlete, user_errors,
)
from kneeguard.cli.render import level_style
from kneeguard.findings import uncertain_groups
from kneeguard.plan_length import DEFAULT_PLAN_WEEKS, plan_weeks_bounds
from kneeguard.text import sentence

PLAN_WEEKS_HELP = "Plan length in weeks ({}-{}).".format(*plan_weeks_bounds())


def register(app: typer.Typer) -> None:
    from kneeguard.cli import plan_edits_cmd, plan_tick_cmd

    plan_app = typer.Typer(help="Your personal plan: tick sessions off with their pain; a clinician's edits of it.")
    plan_app.callback(invoke_without_command=True)(plan_command)
    plan_tick_cmd.register(plan_app)
    plan_edits_cmd.register(plan_app)
    app.add_typer(plan_app, name="plan")


def plan_command(
    ctx: typer.Context,
    athlete: AthleteOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Plan from the state on this day (YYYY-MM-DD; default today).")] = None,
    weeks: Annotated[int, typer.Option("--weeks", help=PLAN_WEEKS_HELP)] = DEFAULT_PLAN_WEEKS,
    as_json: JsonOption = False,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write the plan as an iCalendar (.ics) file here.")] = None,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Your personal plan: runs, strength, gait retraining, footwear and when to see a professional.
    `plan tick` records a session done with the pain during it and the next morning."""
    if ctx.invoked_subcommand is not None:
        return
    from kneeguard.advice import advise, gather_context, write_ics

    if ctx.invoked_subcommand is not None:
        return  # `plan edit ...` / `plan edits`: the sub-command does the work
    with user_errors():
        shortest, longest = plan_weeks_bounds()
        if not shortest <= weeks <= longest:
            raise UserError(f"--weeks must be between {shortest} and {longest}, got {weeks}")
        day = parse_date(as_of, "--as-of") or dt.date.today()
        if ics is not None and ics.suffix.lower() != ".ics":
            raise UserError(f"--ics must name a .ics file, got {ics}")
        with open_store(db, home) as store:
            require_stored_athlete(store, athlete)
            context = gather_context(store, athlete, day)
        advice = advise(context, weeks=weeks)
        if ics is not None:
            try:
                write_ics(advice, ics)
            except OSError as exc:
                raise UserError(f"cannot write {ics}: {exc.strerror or exc}") from None
    if as_json:
        print_json(advice.to_dict())
        return
    show_plan(advice)
    if ics is not None:
        console.print(f"calendar written to [bold]{escape(str(ics))}[/] ({len(advice.days)} events)")


def show_plan(advice) -> None:
    from kneeguard.advice.factors import FACTOR_MARKS, later_onset_words
    from kneeguard.report.measured import measured_text  # the summary's words: value, flag, whose, injury-based

    span = (f"week 1 of {advice.weeks}, {advice.start.isoformat()} to {advice.scheduled_end.isoformat()} (weeks 2-"
            f"{advice.weeks} set at the re-check)"
            if advice.recheck else f"{advice.start.isoformat()} to {advice.end.isoformat()}")
    console.rule(f"[bold]Personal plan — {escape(advice.athlete)}, {span}")
    b = advice.banner
    style = level_style(b.level)
    console.print(f"[{style}] {b.level_name.upper()} [/] {escape(b.headline)}")
    for line in b.lines[:4]:
        console.print(f"  • {escape(line)}")
    # a walking-only plan's rule opens with its own 2/10 limit for walks and exercises (read 40)
    console.print(f"  [bold]Pain rule:[/] {escape(advice.pain_rule_words)}")
    for note in advice.first_notes:  # whose data and which knee the plan is made from: said before any of it
        console.print(f"  [yellow]note:[/] {escape(sentence(note))}")
    if advice.usual_morning_words:  # the rule's "usual", as his own number
        console.print(f"  {escape(advice.usual_morning_words)}")
    console.print(f"  {escape(advice.verdict)}")
    for reason in advice.pain.reasons:
        # "because", not "hold": the reasons behind the verdict above may be holds or steps back
        console.print(f"  [yellow]because:[/] {escape(reason)}" if advice.pain.hold else f"  {escape(reason)}")
    if advice.top_factors:
        table = Table(title="Top contributing factors")
        for col in ("severity", "factor", "measured", "source", "evidence"):
            table.add_column(col)
        for f in advice.top_factors:
            table.add_row(f.severity.value, escape(f.titled + f.marks), measured_text(f.finding), f.source,
                          "●" * max(f.evidence_strength, 1))
        console.print(table)
        for mark, words in FACTOR_MARKS:  # each mark explained once below the table
            if any(mark in f.marks for f in advice.top_factors):
                console.print(f"{mark} {escape(words)}")
    if advice.aggravating:  # one onset for all of them: said once, above them
        console.print(f"[bold]May have kept it going[/], not what started it, "
                      f"{escape(advice.aggravating[0].onset_words)}:")
        for f in advice.aggravating:
            console.print(f"  {escape(f.title)}, {escape(f.when)}")
    later = later_onset_words(advice.aggravating)  # the newest check-in's later onset would make them triggers
    if later:
        console.print(f"  {escape(later)}")
    if advice.uncertain:
        console.print("[bold]Uncertain[/] (shown, not ranked or acted on):")
        for reason, titles in uncertain_groups(advice.uncertain).items():
            console.print(f"  [magenta]?[/] {escape('; '.join(titles))}\n    [magenta]why:[/] {escape(reason)}")
    console.print(f"\n[bold]Running[/] ({advice.running.mode_words}): {escape(advice.running.summary)}")
    # read 47: the first session stood in the calendar as if the notes asking for a new check-in were not there
    # read 49: 'once the notes above are settled' read as 'fix the profile first': what it waits for, said
    week = Table(title="This week" + (f" (if {advice.notes_settled})" if advice.waits_for_notes else ""))
    for col in ("date", "kind", "session", "km", "min", "metronome"):
        week.add_column(col)
    for s in advice.week(0):
        week.add_row(s.date.strftime("%a %d %b"), s.kind_words, escape(s.title),
                     "" if s.distance_km is None else f"{s.distance_km:.1f}",
                     "" if s.duration_min is None else f"{s.duration_min:.0f}",
                     s.cadence_text)
    console.print(week)
    if advice.later_weeks_words:
        console.print(f"[bold]After week 1[/]: {escape(advice.later_weeks_words)}")
    elif advice.set_weeks > 1:
        console.print(_weeks_ahead(advice))
    items = advice.strength + advice.flexibility + advice.warmup
    if items:
        # a plan held at week 1 sets this week's dose only: "the weeks shown" would promise weeks 2-6
        ex = Table(title="Exercises (this week's dose)" if advice.recheck else
                   "Exercises (starting dose, in the weeks shown)")
        for col in ("exercise", "dose", "tempo", "why"):
            ex.add_column(col)
        for p in items:
            ex.add_row(escape(p.exercise.name), escape(p.starting_dose_text(with_loading=False)),
                       escape(p.exercise.cue), escape(p.why))
        console.print(ex)
        for rule in dict.fromkeys([p.loading for p in items if p.loading] + [p.legs for p in items if p.legs]):
            console.print(escape(rule))  # once each
        console.print(escape(advice.exercise_minutes_words))
        if advice.strength_after_run:
            console.print(escape(advice.strength_after_run))
    if advice.gait.summary:
        console.print(f"\n[bold]Gait[/]: {escape(advice.gait.summary)}")
        if advice.gait.active and advice.gait.caution:
            console.print(f"[bold]Caution[/]: {escape(advice.gait.caution)}")
    for r in advice.footwear:
        console.print(f"[bold]{escape(r.title)}[/]: {escape(r.text)}")
    title, text = advice.professional.title, advice.professional.text
    # 'See a doctor today: See a doctor today (GP, ...)' (read 51): a text that opens with its title is said alone
    console.print(f"\n[bold]{escape(text)}[/]" if text.startswith(title) else
                  f"\n[bold]{escape(title)}[/]: {escape(text)}")
    for m in advice.missing:
        console.print(f"[cyan]missing:[/] {escape(m.text())}")
    for n in advice.notes:
        if n not in advice.first_notes:  # said first, under the banner
            console.print(f"[yellow]note:[/] {escape(n)}")
    if advice.overrides:
        console.print("\n[bold]Clinician's edits[/] (kept on every regeneration; list: kneeguard plan edits)")
        for o in advice.overrides:
            console.print(f"  {'[green]✓[/]' if o.applied else '[yellow]✗[/]'} {escape(o.text())}")
    console.print(f"[dim]{escape(advice.disclaimer)}[/]")


def _weeks_ahead(advice) -> Table:
    """The set weeks after week 1 in one line each (read 21: the runner and the physiotherapist want week 2's runs,
    not only its rule); every day is in the calendar (--ics) and on the web plan page."""
    table = Table(title="Weeks ahead, while the pain rule is kept (every day is in the calendar and on the web plan)")
    runs = any(w.runs for w in advice.week_summaries)  # no run columns of zeros for a plan that sets no runs
    km = "km or sessions" if any(w.by_minutes for w in advice.week_summaries) else "km"
    for col in ("week", "dates", *(("runs", "run days", km, "longest km") if runs else ()), "strength days"):
        table.add_column(col)
    for w in advice.week_summaries[1:]:
        running = (str(w.runs), ", ".join(f"{d:%a}" for d in w.run_days),
                   f"{w.km:.1f}" if w.km else w.by_minutes,
                   f"{w.longest_km:.1f}" if w.longest_km else "")
        table.add_row(str(w.number), f"{w.start:%a %d %b} – {w.end:%a %d %b}", *(running if runs else ()),
                      ", ".join(f"{d:%a}" for d in w.strength_days))
    return table
