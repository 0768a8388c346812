"""The one result type every analysis returns: a Finding with its evidence."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from kneeguard import evidence
from kneeguard.codes import FindingCode
from kneeguard.evidence import Citation, Rule
from kneeguard.jsonable import plain

# Findings are read by people: four decimals is more than any of their units needs.
FINDING_DIGITS = 4


class Ranked:
    """For enums listed from least to most serious: `rank` is the position, so levels compare by it."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)


class Severity(Ranked, str, Enum):
    """Ordered from harmless to serious."""

    INFO = "info"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


@dataclass(frozen=True)
class Finding:
    """One flag an analysis raises, with the number behind it and its sources.

    `measured` and `threshold` are in `unit`; `rule` is the evidence-registry
    entry the threshold came from, so the citation always travels with it.
    `uncertain` is set when the evidence behind the finding is doubtful (a poor video,
    too few steps, a test without a norm): the reason and what to do about it. An
    uncertain finding is shown, never ranked among the factors, never acted on.
    """

    code: str
    severity: Severity
    title: str
    explanation: str
    measured: float | str | None = None
    threshold: float | str | None = None
    unit: str = ""
    rule: Rule | None = None
    extra_citations: tuple[Citation, ...] = ()
    domain: str = ""
    on_date: dt.date | None = None
    details: dict[str, Any] = field(default_factory=dict)
    uncertain: str | None = None
    # A left-right comparison's weaker leg ('' for any other finding; a per-side test names its side in its code).
    weaker_side: str = ""

    def __post_init__(self) -> None:
        # A flag whose threshold the registry marks as not injury-based (a lab's design band, a shoe's
        # mileage rule of thumb) is never more than low: 'moderate' read as a risk no study measured (a
        # physiotherapist). Capped here, once, so the gait page, the factors, the report and JSON agree.
        if self.rule is not None and not self.rule.threshold_injury_evidence \
                and self.severity.rank > Severity.LOW.rank:
            object.__setattr__(self, "severity", Severity.LOW)

    @property
    def citations(self) -> tuple[Citation, ...]:
        own = self.rule.citations if self.rule else ()
        seen: dict[str, Citation] = {}
        for c in (*own, *self.extra_citations):
            seen.setdefault(c.key, c)
        return tuple(seen.values())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        """A Finding back from its `to_dict()` form (stored gait sessions and check-ins).

        The rule is looked up again by key so its citations are today's; a rule
        this version no longer knows is dropped and its stored citations kept.
        """
        rule = None
        if data.get("rule"):
            try:
                rule = evidence.rule(data["rule"])
            except evidence.UnknownEvidence:
                rule = None
        own = {c.key for c in rule.citations} if rule else set()
        extra = tuple(Citation(key=c.get("key", ""), text=c.get("text", ""), doi=c.get("doi", ""), url=c.get("url", ""))
                      for c in data.get("citations") or [] if isinstance(c, dict) and c.get("key") not in own)
        on_date = data.get("date")
        return cls(
            code=str(data["code"]), severity=Severity(data.get("severity") or "info"), title=data.get("title") or "",
            explanation=data.get("explanation") or "", measured=data.get("measured"), threshold=data.get("threshold"),
            unit=data.get("unit") or "", rule=rule, extra_citations=extra, domain=data.get("domain") or "",
            on_date=dt.date.fromisoformat(str(on_date)[:10]) if on_date else None, details=dict(data.get("details") or {}),
            uncertain=data.get("uncertain") or None, weaker_side=data.get("weaker_side") or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "domain": self.domain,
            "severity": self.severity.value,
            "title": self.title,
            "measured": plain(self.measured, FINDING_DIGITS),
            "threshold": plain(self.threshold, FINDING_DIGITS),
            "unit": self.unit,
            "date": self.on_date.isoformat() if self.on_date else None,
            "explanation": self.explanation,
            "rule": self.rule.key if self.rule else None,
            "citations": [c.to_dict() for c in self.citations],
            "details": {k: plain(v, FINDING_DIGITS) for k, v in self.details.items()},
            "uncertain": self.uncertain,
            "weaker_side": self.weaker_side,
        }


def make_finding(code: FindingCode, severity: Severity, title: str, explanation: str, *, side: str | None = None,
                 rule: Rule | str | None = None, **fields: Any) -> Finding:
    """The one way analyses build a Finding.

    `code` is a declared code (`kneeguard.codes`): it gives the domain, and a per-side code
    needs `side` (the emitted code is `code.side`). `rule` is the evidence-registry rule the
    threshold came from, as a Rule or its key, so its citations travel with the finding.
    Other fields (measured, threshold, unit, on_date, details, extra_citations) pass through.
    """
    return Finding(code=code.for_side(side), severity=severity, title=title, explanation=explanation,
                   rule=evidence.rule(rule) if isinstance(rule, str) else rule, domain=code.domain, **fields)


def mark_uncertain(findings: list[Finding], reason: str | None) -> list[Finding]:
    """The findings with `reason` as their doubt (None: unchanged); a doubt already stated is kept."""
    if not reason:
        return list(findings)
    return [f if f.uncertain else replace(f, uncertain=reason) for f in findings]


def uncertain_groups(findings: list[Finding], *, brief: bool = False) -> dict[str, list[str]]:
    """The uncertain findings' titles grouped by their reason (one clip's findings share one reason). `brief`
    (the two-page summary): by the reason's first clause, why it is uncertain, without what to do about it
    (the full report gives that), so findings doubtful for the same reason are named together."""
    groups: dict[str, list[str]] = {}
    for f in findings:
        if f.uncertain:
            titles = groups.setdefault(f.uncertain.split("; ")[0] if brief else f.uncertain, [])
            if (f.title or f.code) not in titles:
                titles.append(f.title or f.code)
    return {reason: _both_sides_once(titles) for reason, titles in groups.items()}


def _both_sides_once(titles: list[str]) -> list[str]:
    """'X (left): Y' and 'X (right): Y' as one 'X (left and right): Y' (the same doubt about both legs)."""
    out = []
    for title in titles:
        if "(right)" in title and title.replace("(right)", "(left)") in titles:
            continue  # said with its left twin
        if "(left)" in title and title.replace("(left)", "(right)") in titles:
            title = title.replace("(left)", "(left and right)")
        out.append(title)
    return out


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most serious first, then newest first."""
    return sorted(
        findings,
        key=lambda f: (-f.severity.rank, -(f.on_date.toordinal() if f.on_date else 0), f.code),
    )
