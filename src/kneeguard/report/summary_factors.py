"""The summary's top factors: one row each, with the marks the plan gives them ('*' a self-test of the painful
leg, '†' a gait video filmed after the pain began), explained once below the table in the plan's own words."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kneeguard.findings import Finding, Severity, sort_findings
from kneeguard.report.document import References
from kneeguard.report.measured import measured_text as _measured_text, shown_measure
from kneeguard.report.summary import SUMMARY_FACTORS

if TYPE_CHECKING:
    from kneeguard.advice.engine import Advice

DOMAIN_OF_SOURCE = {"checkin": "clinic"}  # a factor's source names the domain its findings are listed under


@dataclass(frozen=True)
class SummaryFactor:
    """One row of the summary's top factors."""

    rank: int
    title: str
    domain: str
    severity: str
    why: str  # the explanation's first sentences
    measured: str
    cites: list[int]
    marks: tuple[str, ...] = ()  # the plan's marks (`advice.factors.FACTOR_MARKS`), each explained below the table


def summary_factors(advice: Advice | None, findings: list[Finding], refs: References) -> list[SummaryFactor]:
    """The top factors' rows, marked as in the plan."""
    from kneeguard.advice.factors import prompt_only

    if advice is not None and advice.top_factors:  # the factor's severity: not above low when not injury-based
        rows = [(f.finding, DOMAIN_OF_SOURCE.get(f.source, f.source), tuple(mark for mark, _ in f.marked),
                 f.finding.title + f.onset_note, f.severity) for f in advice.top_factors]
    else:  # no factors from the advice engine: the most serious findings stand in (a prompt is no factor)
        rows = [(f, f.domain, (), f.title, f.severity) for f in sort_findings(findings)
                if f.severity is not Severity.INFO and not f.uncertain and not prompt_only(f)]
    return [SummaryFactor(rank=rank, title=title, domain=domain, severity=severity.value,
                          why=_first_sentences(f.explanation), measured=_measured_text(f),
                          cites=refs.cite(f.citations), marks=marks)
            for rank, (f, domain, marks, title, severity) in enumerate(rows[:SUMMARY_FACTORS], start=1)]


def more_factors(advice: Advice | None) -> str:
    """The plan's factors beyond the summary's rows, each with its value: 'Heel raises: right side weaker
    beyond test noise * (7 reps apart); ...' ('' when none): a physiotherapist missed the reasons for the calf
    work and the step-rate change in a table of three of the plan's five."""
    rest = advice.top_factors[SUMMARY_FACTORS:] if advice is not None else []
    return "; ".join(f"{f.finding.title}{f.marks}" + (f" ({shown_measure(f.finding)})" if shown_measure(f.finding) else "")
                     for f in rest)


def mark_notes(summary: list[SummaryFactor], more: str = "") -> list[tuple[str, str]]:
    """(mark, the plan's words for it) for each mark a row or `more_factors`' line (`more`) carries, once below
    the table, in `FACTOR_MARKS`' order; [] when nothing is marked."""
    from kneeguard.advice.factors import FACTOR_MARKS

    return [(mark, words) for mark, words in FACTOR_MARKS
            if f" {mark}" in more or any(mark in row.marks for row in summary)]


def _first_sentences(text: Any, limit: int = 180) -> str:
    """The summary keeps each factor to a line or two; the full explanation is in the findings."""
    text = str(text or "")
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    return text[:cut + 1] if cut > 40 else text[:limit].rsplit(" ", 1)[0] + " …"
