"""Finding round-trips through its stored (dict) form unchanged."""
import datetime as dt

from kneeguard import evidence
from kneeguard.findings import Finding, Severity


def test_finding_round_trips_through_its_dict_form():
    original = Finding("load.spike.small", Severity.MODERATE, "Run 20 % longer", "why", 1.234567, 0.1, "km",
                       evidence.rule("load.spike.small"), (evidence.citation("buist2008"),), "load",
                       dt.date(2026, 1, 2), {"reference_km": 10.0})
    again = Finding.from_dict(original.to_dict())
    assert again.to_dict() == original.to_dict()
    assert again.severity is Severity.MODERATE and again.rule == original.rule


def test_a_stored_finding_whose_rule_is_gone_keeps_its_citations():
    stored = {"code": "gait.old", "severity": "low", "title": "t", "rule": "no.such.rule",
              "citations": [{"key": "x", "text": "A source"}]}
    finding = Finding.from_dict(stored)
    assert finding.rule is None and [c.key for c in finding.citations] == ["x"]
