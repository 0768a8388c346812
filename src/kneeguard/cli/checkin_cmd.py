"""`kneeguard checkin`: the symptom check-in as an interview, an answers file or a schema."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.prompt import Prompt

from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, announce_new_athlete, console, err_console, open_store,
    print_json, user_errors,
)
from kneeguard.cli.render import level_style, print_disclaimer, print_findings

if TYPE_CHECKING:
    from kneeguard.advice.checkins import ResultNotes
    from kneeguard.clinic.assess import CheckinAssessment


def register(app: typer.Typer) -> None:
    app.command("checkin")(checkin_command)


def checkin_command(
    athlete: AthleteOption = None,
    answers: Annotated[Path | None, typer.Option("--answers", help="Answers file (JSON object: question id -> answer).")] = None,
    schema: Annotated[bool, typer.Option("--schema", help="Print the JSON Schema of an answers file and exit.")] = False,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store the check-in in the athlete's history.")] = True,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Symptom check-in and triage for pain behind the knee (educational, not a diagnosis)."""
    from kneeguard.clinic import load_questionnaire

    if schema:
        print_json(load_questionnaire().json_schema())
        return
    with user_errors():
        raw = read_answers_file(answers) if answers is not None else interview(athlete, home)
        with open_store(db, home) as store:
            if save:
                announce_new_athlete(store, athlete)
            from kneeguard.advice.checkins import result_notes

            result = run_checkin(raw, athlete, home, save, store, source=answers)
            notes = result_notes(result, store=store)
    if as_json:
        from kneeguard.explain import finding_json

        print_json({**result.to_dict(), "findings": [finding_json(f) for f in result.findings]})
    else:
        show_result(result, notes)
    for c in result.validation.contradictions:
        err_console.print(f"[yellow]check:[/] {escape(c.message)}")


def read_answers_file(path: Path) -> dict[str, Any]:
    from kneeguard.json_input import load_json_file

    data = load_json_file(path, "JSON answers file")
    if not isinstance(data, dict):
        raise UserError(f"{path}: the answers file must be a JSON object of question id -> answer")
    return data


def run_checkin(raw: dict[str, Any], athlete: str | None, home: Path | None, save: bool, store,
                source: Path | None = None) -> CheckinAssessment:
    """Assess and (with `save`) store one check-in; `source`: the answers file, named in each problem."""
    from kneeguard.clinic import CheckinError, assess
    from kneeguard.advice.checkins import load_checkins, save_checkin
    from kneeguard.cli.checkin_partial import clear_partial

    today = dt.date.today()
    try:
        result = assess(raw, history=load_checkins(athlete, store=store), today=today)
    except CheckinError as exc:
        for problem in exc.problems:  # one line per problem; nothing is stored
            err_console.print(f"[bold red]error:[/] {escape(f'{source}: {problem}' if source else problem)}",
                              soft_wrap=True)
        raise typer.Exit(2) from None
    result.athlete = athlete or "me"
    if save:
        save_checkin(result.record, athlete, store=store)
        clear_partial(athlete, home)  # only once the check-in is safely in the database
    return result


def interview(athlete: str | None, home: Path | None) -> dict[str, Any]:
    """Ask every question that applies; typos are re-asked, Ctrl-C keeps progress for next time."""
    from kneeguard.clinic import load_questionnaire
    from kneeguard.cli.checkin_partial import load_partial, save_partial

    qn = load_questionnaire()
    answers: dict[str, Any] = load_partial(athlete, home) or {}
    if answers:
        console.print(f"[cyan]Resuming your unfinished check-in ({len(answers)} answers kept).[/]")
    console.print("[bold]Check-in: pain behind the knee.[/] Press Enter to skip optional questions; Ctrl-C saves and stops.")
    try:
        while True:
            pending = [q for q in qn.visible_questions(answers) if q.id not in answers and q.id not in _skipped(answers)]
            if not pending:
                problems = qn.contradictions(answers)
                if not problems:
                    break
                console.print(f"[yellow]These answers disagree:[/] {escape(problems[0].message)}. Please answer again.")
                for qid in problems[0].questions:
                    answers.pop(qid, None)
                continue
            question = pending[0]
            answers[question.id] = _ask(question)
            save_partial(answers, athlete, home)
    except (KeyboardInterrupt, EOFError):
        save_partial(answers, athlete, home)
        err_console.print("\n[yellow]Stopped. Your answers are saved; run `kneeguard checkin` again to continue.[/]")
        raise typer.Exit(130) from None
    return {k: v for k, v in answers.items() if v is not _SKIP and not k.startswith("_")}


_SKIP = None  # a skipped optional question is stored as None so it is not asked again


def _skipped(answers: dict[str, Any]) -> set[str]:
    return {k for k, v in answers.items() if v is None}


def _ask(question) -> Any:
    console.print()
    # "safety question", not "warning sign": the age is one too, and a runner read the badge as an alarm
    console.print(f"[bold]{escape(question.text)}[/]" + (" [red](safety question)[/]" if question.red_flag else ""))
    if question.help:
        console.print(f"[dim]{escape(question.help)}[/]")
    for i, option in enumerate(question.options, start=1):
        console.print(f"  {i}. {escape(option.label)}")
    hint = {"bool": "yes/no/don't know" if question.dont_know else "yes/no", "scale": "0-10", "multi": "numbers separated by commas", "choice": "number"}.get(question.type, "")
    if question.type == "number":
        hint = f"{question.minimum:g}-{question.maximum:g} {question.unit}".strip()
    while True:
        text = Prompt.ask(f"[dim]{hint}[/]" if hint else "", console=console, default="", show_default=False).strip()
        if not text and not question.required:
            return _SKIP
        if not text:
            console.print("[red]This one is needed; please answer.[/]")
            continue
        try:
            return question.coerce(text)
        except ValueError as exc:
            console.print(f"[red]{escape(str(exc))}[/] Please try again.")


def show_result(result: CheckinAssessment, notes: ResultNotes | None = None) -> None:
    from kneeguard.advice.checkins import ResultNotes
    from kneeguard.clinic.engine import answer_in_words

    notes = notes or ResultNotes()
    console.rule(f"[bold]Check-in — {escape(result.athlete or '')}, {result.on_date.isoformat()}")
    console.print(f"Level: [{level_style(result.level)}] {result.level.upper()} [/]")
    if notes.condition:  # read 46: the level and its dates read as settled before the notes questioned the check-in
        console.print(f"[yellow]{escape(notes.condition)}[/]")
    for i, line in enumerate(result.what_to_do):  # the level's action first, then what the answers show
        console.print(f"• [bold]{escape(line)}[/]" if i == 0 else f"• {escape(line)}")
        if i == 0 and notes.both_knees:  # read 50: in the level's block, not mid-note
            console.print(f"• [bold]{escape(notes.both_knees)}[/]")
    if notes.recheck:  # read 50: when to check in again, and where the thresholds to phone sooner are
        console.print(f"• {escape(notes.recheck)}")
    for note in notes.notes:  # before the reasons: the norms below read these answers, the episode this knee's
        console.print(f"[yellow]note:[/] {escape(note)}")
    if result.reasons:
        console.print("\n[bold]Why[/]")
        for r in result.reasons:
            # The plain reason for the person; the rule's technical summary is the clinician's (--json, report).
            # The answers behind the final level follow once, below ("Answers that set this level").
            used = "" if r.level == result.level else \
                " [dim](" + escape("; ".join(answer_in_words(k, v) for k, v in r.triggered_by.items())) + ")[/]"
            console.print(f"  [{level_style(r.level)}]{r.level}[/] {escape(r.why or r.summary)}{used}")
            for c in r.citations:
                console.print(f"    [dim]↳ {escape(c['text'])}[/]")
    _print_explanation(console, result)
    if result.possible_causes:
        console.print("\n[bold]Possible sources, for education (not a diagnosis)[/]")
        for c in result.possible_causes:
            less_likely = f" [dim]({escape(c['less_likely'])})[/]" if c.get("less_likely") else ""
            console.print(f"  • [bold]{escape(c['name'])}[/]{less_likely}: {escape('; '.join(c['why']))}.")
            console.print(f"    [dim]What a professional would check: {escape(c['professional_would_examine'])}.[/]")
    for note in result.context:
        console.print(f"\n[cyan]Context:[/] {escape(note['text'])}")
    if result.ostrc:
        o = result.ostrc
        console.print(f"\n{escape(o.words())}")
    if result.findings:
        # read 51: an urgent result's findings read as training advice ("build calf capacity", "progress load")
        title = ("Self-test and trend findings (for the professional who sees you: no training until then)"
                 if result.level.stops_training else "Self-test and trend findings")
        print_findings(console, result.findings, title, painful_side=result.answers.get("side"))
    console.print(f"\n[dim]{escape(result.not_a_diagnosis)}[/]")
    print_disclaimer(console)


def _print_explanation(console, result: "CheckinAssessment") -> None:
    """Surgical history, the answers that set the level and what would change it (issue #13)."""

    if result.surgical_history:
        console.print(f"\n[bold]Knee surgery:[/] {escape(', '.join(result.surgical_history_words()))}")
    if result.driving_answers:
        shown = "; ".join(result.driving_answers_words())
        console.print(f"[bold]Answers that set this level:[/] {escape(shown)}")
    if result.level_changes:
        console.print("[bold]What would change the level[/]")
        for change in result.level_changes:
            console.print(f"  • {escape(change.describe())}")
