"""`kneeguard explain [CODE | STRUCTURE]`: what a finding loads, why, and a picture of it."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table

from kneeguard.cli.common import (
    AthleteOption,
    DbOption,
    HomeOption,
    JsonOption,
    UserError,
    console,
    err_console,
    print_json,
    user_errors,
)


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)


def explain_command(
    key: Annotated[str | None, typer.Argument(
        help="A finding code (gait.overstride, load.spike, clinic.bridge_poor.left…), a structure (popliteus, "
             "\"baker's cyst\") or a mechanism (overstriding).", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the picture here (.svg or .png).")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="List every structure, mechanism and finding code.")] = False,
    athlete: AthleteOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Explain a finding: the structures behind the knee it loads, why, what helps, with its sources."""
    from kneeguard.explain import topic, write_picture

    with user_errors():
        if out is not None and out.suffix.lower() not in (".svg", ".png"):
            raise UserError(f"--out must name a .svg or .png file, got {out}")
        if list_all or key is None:
            show_list(as_json)
            if out is not None:
                write_atlas(out)
                err_console.print(f"diagram of every structure written to [bold]{out}[/]")
            return
        found = topic(key)  # UnknownExplanation (a LookupError) -> one line with close matches, exit 2
        gait = _stored_gait(athlete, db, home) if out is not None and found.figure == "landing" else None
        if out is not None:
            write_picture(found, out, gait)
    if as_json:
        print_json(found.to_dict())
    else:
        show_topic(found)
    if out is not None:
        note = "" if found.figure != "landing" else (
            " (with your latest gait session)" if gait else " (no stored gait session yet: the runner figure shows the evidence band only)")
        err_console.print(f"picture written to [bold]{out}[/]{note}")


def show_topic(found) -> None:
    from kneeguard.explain import all_explanations

    entries = all_explanations()
    if found.is_finding:
        console.rule(f"Finding [bold]{escape(found.key)}[/]")
    rule = found.rule
    if rule is not None:  # a check-in rule: its own words first, then what may be behind it
        console.print(Panel(f"{escape(rule.why)}\n\n[dim]For a clinician: {escape(rule.summary)}[/]",
                            title=f"[bold]Why this check-in rule ({rule.level})[/]", title_align="left"))
        console.print("[bold]What may be behind it:[/]")
    for e in found.entries:
        body = [f"[dim]{e.kind}[/]  {escape(e.text)}", "",
                f"[bold]What you may feel[/]  {escape(e.feels)}", "", f"[bold]What helps[/]  {escape(e.helps)}"]
        if e.kind == "mechanism" and e.structures:
            body += ["", "[bold]Loads[/]  " + ", ".join(escape(entries[s].name) for s in e.structures)]
        console.print(Panel("\n".join(body), title=f"[bold]{escape(e.name)}[/]", title_align="left",
                            border_style="cyan" if e.kind == "mechanism" else "magenta"))
    if found.structures:
        console.print("[bold]Highlighted on the knee diagram:[/] "
                      + ", ".join(escape(entries[s].label) for s in found.structures))
    if not found.is_finding:
        entry = found.entries[0]
        if entry.codes:
            console.print("[bold]Findings that point here:[/] " + ", ".join(entry.codes))
        loaders = [m for m in entries.values() if m.kind == "mechanism" and entry.key in m.structures]
        if loaders:
            console.print("[bold]Also loaded by:[/] " + "; ".join(
                f"{escape(m.name)} ([dim]{m.key}[/])" for m in loaders))
    console.print("[bold]Sources[/]")
    for c in found.citations:
        console.print(Padding(f"[dim]↳ {escape(c.text)}" + (f" doi:{c.doi}" if c.doi else "") + "[/]", (0, 0, 0, 2)))
    console.print(f"\n[dim]Picture: kneeguard explain {escape(found.key)} --out knee.svg (or .png)[/]")


def show_list(as_json: bool) -> None:
    from kneeguard.explain import (
        all_explanations,
        emittable_codes,
        explanations_for_code,
    )

    entries = all_explanations()
    codes = emittable_codes()
    if as_json:
        print_json({"entries": [{"key": e.key, "kind": e.kind, "name": e.name} for e in entries.values()],
                    "codes": [{"code": c, "source": src, "entries": [e.key for e in explanations_for_code(c)]}
                              for c, src in codes.items()]})
        return
    for kind, title in (("structure", "Structures behind the knee"), ("mechanism", "Mechanisms")):
        table = Table(title=title, title_justify="left")
        table.add_column("key", style="bold")
        table.add_column("name")
        for e in entries.values():
            if e.kind == kind:
                table.add_row(e.key, e.name)
        console.print(table)
    table = Table(title=f"Finding codes ({len(codes)})", title_justify="left")
    table.add_column("code", style="bold")
    table.add_column("explained by")
    for code in codes:
        table.add_row(code, ", ".join(e.key for e in explanations_for_code(code)) or "[red]nothing yet[/]")
    console.print(table)
    console.print("[dim]kneeguard explain KEY shows one of them; --out FILE.svg|png writes the picture.[/]")


def write_atlas(out: Path) -> None:
    from kneeguard.explain import knee_scene
    from kneeguard.explain.scene import to_png, to_svg

    out.parent.mkdir(parents=True, exist_ok=True)
    scene = knee_scene(labels="all")
    if out.suffix.lower() == ".png":
        to_png(scene, out)
    else:
        out.write_text(to_svg(scene, "kg-atlas") + "\n", encoding="utf-8")


def _stored_gait(athlete: str | None, db: str | None, home: Path | None) -> dict | None:
    """The athlete's latest gait summary, for the runner figure; None when there is none."""
    from kneeguard.cli.common import store_session
    from kneeguard.store import UnknownAthlete
    from kneeguard.store.config import DEFAULT_ATHLETE
    from kneeguard.store.records import list_gait_sessions

    try:
        with store_session(db, home) as session:
            rows = list_gait_sessions(session, athlete or DEFAULT_ATHLETE)
    except UnknownAthlete:
        return None
    summaries = [r["summary"] for r in rows if isinstance(r.get("summary"), dict)]
    return summaries[-1] if summaries else None
