"""Rich rendering of Findings, shared by every analysis command."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from kneeguard.disclaimer import DISCLAIMER
from kneeguard.findings import Finding, Severity
from kneeguard.numbers import shown_unit

if TYPE_CHECKING:
    from kneeguard.clinic.levels import TriageLevel

SEVERITY_STYLE = {
    Severity.HIGH: "bold red",
    Severity.MODERATE: "bold yellow",
    Severity.LOW: "yellow",
    Severity.INFO: "cyan",
}
NO_CHECKIN_STYLE = "bold magenta"


def level_style(level: TriageLevel | None) -> str:
    """The Rich style of a triage level (a `TriageLevel`; None: no check-in yet). `kneeguard.clinic` is
    imported here, not at the top, so that every command's start-up does not pay for the check-in engine."""
    from kneeguard.clinic.levels import TriageLevel

    if level is None:
        return NO_CHECKIN_STYLE
    return {
        TriageLevel.EMERGENCY: "bold white on red",
        TriageLevel.URGENT: "bold red",
        TriageLevel.ROUTINE: "bold yellow",
        TriageLevel.SELF_CARE: "bold green",
    }[level]


def print_findings(console: Console, findings: list[Finding], title: str = "Findings",
                   painful_side: str | None = None) -> None:
    """One block per finding: what, the number against its threshold, why, and the sources. `painful_side`: the
    check-in's painful leg, whose self-test results carry the plan's caveat (a physiotherapist found it in the
    plan and summary but not in the check-in)."""
    from kneeguard.advice.factors import PAIN_LIMITED, tested_on_painful_leg

    console.print(f"[bold]{title}[/]")
    for f in findings:
        style = SEVERITY_STYLE[f.severity]
        when = f"  [dim]{f.on_date.isoformat()}[/]" if f.on_date else ""
        # an uncertain finding is marked as the plan marks it ('?'), not with a severity it is not judged by (read 51)
        mark = "[magenta]? UNCERTAIN[/]" if f.uncertain else f"[{style}]● {f.severity.value.upper()}[/]"
        console.print(f"\n{mark}  [bold]{f.title}[/]{when}")
        if painful_side and tested_on_painful_leg(f, painful_side):
            console.print(_indent(f"[yellow]{escape(PAIN_LIMITED)}[/]"))
        if f.measured is not None:
            console.print(_indent(f"measured [bold]{_value(f.measured, f.unit)}[/]"
                          + (f"   threshold {_value(f.threshold, f.unit)}" if f.threshold is not None else "")))
        console.print(_indent(escape(f.explanation)))
        if f.uncertain:
            console.print(_indent(f"[magenta]uncertain:[/] {escape(f.uncertain)}"))
        for c in f.citations:
            console.print(_indent(f"[dim]↳ {escape(c.text)}" + (f" doi:{c.doi}" if c.doi else "") + "[/]"))
        console.print(_indent(f"[dim]where it loads and why: kneeguard explain {escape(f.code)}[/]"))


def print_notes_and_findings(console: Console, warnings: list[str], findings: list[Finding], domain: str) -> None:
    """An analysis's notes, then its findings (most serious first) or that there are none, then the disclaimer."""
    for warning in warnings:
        console.print(f"[yellow]note:[/] {escape(warning)}")
    if findings:
        print_findings(console, findings, f"{domain} findings, most serious first")
    else:
        console.print(f"[green]No {domain.lower()} findings.[/]")


def _indent(markup: str) -> Padding:
    return Padding(Text.from_markup(markup), (0, 0, 0, 2))


def _value(value, unit: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    short = shown_unit(unit)
    return f"{text} {short}".strip()


def print_disclaimer(console: Console) -> None:
    console.print(Panel(DISCLAIMER, title="Not a diagnosis", border_style="dim"))
