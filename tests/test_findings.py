"""Finding round-trips through its stored (dict) form unchanged."""
import datetime as dt

import pytest

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


def test_make_finding_takes_a_declared_code_and_a_rule_key():
    import datetime as dt

    from kneeguard import evidence
    from kneeguard.clinic import codes as clinic_codes
    from kneeguard.findings import make_finding
    from kneeguard.load import codes as load_codes

    f = make_finding(load_codes.SPIKE, Severity.HIGH, "t", "e", rule="load.spike.large", measured=120.0,
                     on_date=dt.date(2025, 1, 1))
    assert (f.code, f.domain, f.rule) == ("load.spike", "load", evidence.rule("load.spike.large"))
    assert f.citations == evidence.rule("load.spike.large").citations
    side = make_finding(clinic_codes.BRIDGE_POOR, Severity.LOW, "t", "e", side="left")
    assert (side.code, side.domain) == ("clinic.bridge_poor.left", "clinic")
    with pytest.raises(ValueError):
        make_finding(clinic_codes.BRIDGE_POOR, Severity.LOW, "t", "e")


def test_analyses_emit_only_declared_codes():
    """Load, clinic and gait build Findings only through the factory, so every code they emit is declared."""
    import re
    from pathlib import Path

    import kneeguard
    from kneeguard.codes import catalogue

    root = Path(kneeguard.__file__).parent
    for domain in ("load", "clinic", "gait"):
        for path in (root / domain).rglob("*.py"):
            assert "Finding(code=" not in path.read_text("utf-8"), f"{path} builds a Finding without the factory"
            assert not re.search(r'Finding\(\s*code=', path.read_text("utf-8")), path
    from kneeguard.gait.metrics import REGISTRY

    band_codes = {m.code.code for metric in REGISTRY.values() if metric.band
                  for m in (metric.band.out, metric.band.out_low, metric.band.within) if m is not None}
    assert band_codes and band_codes <= set(catalogue())
