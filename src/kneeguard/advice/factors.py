"""Contributing factors: the findings worth acting on, one per code, most serious and best evidenced first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kneeguard import evidence
from kneeguard.advice.context import finding_source
from kneeguard.findings import Finding, Severity


@dataclass(frozen=True)
class Factor:
    """The most serious finding of one code, how often the code was raised, and how strong its evidence is.

    `evidence_strength` is the registry's `advice.evidence_strength` score for the code (0 when unscored).
    """

    finding: Finding
    source: str  # "load" | "gait" | "checkin"
    evidence_strength: int
    count: int = 1

    @property
    def code(self) -> str:
        return self.finding.code

    @property
    def title(self) -> str:
        return self.finding.title or self.finding.code

    @property
    def severity(self) -> Severity:
        return self.finding.severity

    @property
    def explanation(self) -> str:
        return self.finding.explanation

    @property
    def citation_keys(self) -> list[str]:
        """The finding's citations that the registry knows (the advice's reference list takes these)."""
        known = evidence.all_citations()
        return [c.key for c in self.finding.citations if c.key in known]

    def to_dict(self) -> dict[str, Any]:
        f = self.finding.to_dict()
        return {
            "code": self.code, "title": self.title, "severity": self.severity.value, "source": self.source,
            "evidence_strength": self.evidence_strength, "explanation": f["explanation"], "measured": f["measured"],
            "threshold": f["threshold"], "unit": f["unit"], "date": f["date"], "rule": f["rule"],
            "citations": f["citations"], "citation_keys": self.citation_keys, "count": self.count,
        }


def rank_factors(findings: list[Finding]) -> list[Factor]:
    """Non-info findings with sound evidence, one per code: severity first, then evidence strength (the spike
    rule leads load). Uncertain findings (doubtful video, too few steps, no norm) never rank."""
    strengths = evidence.value("advice.evidence_strength")
    worst: dict[str, Finding] = {}
    counts: dict[str, int] = {}
    for f in findings:
        if f.severity is Severity.INFO or f.uncertain:
            continue
        counts[f.code] = counts.get(f.code, 0) + 1
        if f.code not in worst or f.severity.rank > worst[f.code].severity.rank:
            worst[f.code] = f
    factors = [Factor(f, finding_source(f), _strength(code, strengths), counts[code]) for code, f in worst.items()]
    return sorted(factors, key=lambda x: (-x.severity.rank, -x.evidence_strength, x.code))


def _strength(code: str, table: dict[str, int]) -> int:
    matches = [p for p in table if code == p or code.startswith(p + ".") or code.startswith(p + "_") or code.startswith(p)]
    return table[max(matches, key=len)] if matches else 0
