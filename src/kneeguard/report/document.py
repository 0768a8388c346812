"""The report as data: what the template shows, in the order a clinician reads it.

Everything here is plain values or small frozen rows (`PlanRow`, `SummaryFactor`) so the template needs no
logic beyond loops, and tests can check structure without parsing HTML.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kneeguard.disclaimer import DISCLAIMER
from kneeguard.evidence import marker_legend
from kneeguard.report.summary import PlanRow

if TYPE_CHECKING:
    from kneeguard.report.summary_factors import SummaryFactor

# Section ids in reading order; the template and the golden tests both use this.
# The summary (at most two A4 pages) leads; the appendix holds everything in full.
SUMMARY_SECTIONS = (
    ("triage", "Triage and why"),
    ("summary", "Top factors"),
    ("plan-overview", "The plan at a glance"),
    ("trend", "Pain and load over time"),
    ("uncertain", "What is uncertain"),
    ("summary-references", "References cited above"),
    ("disclaimer", "Disclaimer"),
)
APPENDIX_SECTIONS = (
    ("triage-detail", "Triage in detail"),
    ("findings", "Findings by domain"),
    ("causes", "Possible causes (educational)"),
    ("plan", "The plan"),
    ("missing", "What is missing"),
    ("references", "References"),
)
SECTION_ORDER = SUMMARY_SECTIONS[:-2] + SUMMARY_SECTIONS[-1:] + APPENDIX_SECTIONS  # full report: one reference list


@dataclass
class Chart:
    """One embedded image: `src` is always a data: URI."""

    title: str
    src: str
    alt: str
    caption: str = ""


@dataclass
class References:
    """Numbers citations in order of first use; the same key always gets the same number."""

    entries: list[dict[str, str]] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def cite(self, citations: Any) -> list[int]:
        numbers: list[int] = []
        for c in citations or ():
            c = _citation_dict(c)
            if not c:
                continue
            key = c.get("key") or c.get("text", "")
            if key not in self._index:
                self.entries.append({"n": len(self.entries) + 1, **c})
                self._index[key] = len(self.entries)
            if self._index[key] not in numbers:
                numbers.append(self._index[key])
        return numbers


def _citation_dict(c: Any) -> dict[str, str] | None:
    if c is None:
        return None
    if hasattr(c, "to_dict"):
        c = c.to_dict()
    if isinstance(c, str):  # a bare registry key: look it up, else show the key itself
        from kneeguard import evidence

        try:
            return evidence.citation(c).to_dict()
        except KeyError:
            return {"key": c, "text": c, "doi": "", "url": ""}
    if isinstance(c, dict) and (c.get("key") or c.get("text")):
        return {"key": str(c.get("key") or c.get("text")), "text": str(c.get("text") or c.get("key")),
                "doi": str(c.get("doi") or ""), "url": str(c.get("url") or "")}
    return None


@dataclass
class ReportDocument:
    """All sections of one report; `write_html` renders it."""

    athlete: str
    as_of: dt.date
    generated_at: str
    sources: list[dict[str, str]]
    triage: dict[str, Any]
    summary: list[SummaryFactor]
    domains: list[dict[str, Any]]
    causes: list[dict[str, Any]]
    plan: dict[str, Any]
    missing: list[dict[str, str]]
    references: list[dict[str, str]]
    notes: list[str] = field(default_factory=list)  # stale data, conflicts between sources
    uncertain: list[dict[str, str]] = field(default_factory=list)  # doubtful findings: title, reason
    uncertain_brief: list[dict[str, str]] = field(default_factory=list)  # the same, why only (the summary)
    more_factors: str = ""  # the plan's factors beyond the summary's rows, in a line
    mark_notes: list[tuple[str, str]] = field(default_factory=list)  # (mark, meaning) of each mark the rows carry
    aggravating: dict[str, Any] = field(default_factory=dict)  # factors after the pain began (not causes): onset, items
    plan_overview: list[PlanRow] = field(default_factory=list)  # the summary's one plan table
    trend_charts: list[Chart] = field(default_factory=list)  # load and pain over time, shown once in the summary
    disclaimer: str = DISCLAIMER
    sections: tuple[tuple[str, str], ...] = SECTION_ORDER

    @property
    def title(self) -> str:
        return f"Posterior knee pain report: {self.athlete}, {self.as_of:%d %b %Y}"

    def summary_references(self) -> list[dict[str, str]]:
        """The references the summary cites, for a summary printed without the appendix."""
        groups = [r["cites"] for r in self.triage.get("reasons", [])] + [n["cites"] for n in self.triage.get("context", [])]
        cited = {n for g in groups + [f.cites for f in self.summary] for n in g}
        return [r for r in self.references if r["n"] in cited]

    @staticmethod
    def references_legend(references: list[dict[str, str]]) -> str:
        """The source markers' meaning above a reference list (a patient reads the summary too)."""
        return marker_legend(r["text"] for r in references)

    def charts(self) -> list[Chart]:
        return [*self.trend_charts, *(c for d in self.domains for c in d.get("charts", []))]
