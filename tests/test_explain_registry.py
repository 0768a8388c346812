"""The explanation registry: every Finding code kneeguard can emit is explained, with sources."""
from __future__ import annotations

import pytest

from kneeguard import evidence
from kneeguard.explain import (
    UnknownExplanation,
    all_explanations,
    diagram_data,
    emittable_codes,
    explanation_for,
    explanations_for_code,
    explanations_for_finding,
    topic,
)
from kneeguard.explain.codes import base_code
from kneeguard.findings import Finding, Severity

# The issue's list: one entry per structure and one per mechanism (extras are allowed).
REQUIRED_STRUCTURES = {
    "biceps_femoris", "semimembranosus", "semitendinosus", "gastrocnemius_medial", "gastrocnemius_lateral",
    "popliteus", "posterior_capsule", "meniscus_posterior_horns", "bakers_cyst", "fabella", "tibial_nerve",
    "common_peroneal_nerve", "popliteal_artery", "popliteal_vein",
}
REQUIRED_MECHANISMS = {
    "overstriding", "straight_knee_landing", "low_cadence", "load_spikes", "missing_rest", "tight_calves",
    "weak_hamstrings", "weak_core", "reduced_flexibility", "leg_length_difference", "worn_shoes",
}
MAX_WORDS = 120


def test_every_emittable_code_has_an_explanation():
    codes = emittable_codes()
    unexplained = sorted(c for c in codes if not explanations_for_code(c))
    assert not unexplained, f"Finding codes with no explanation: {unexplained}"


def test_the_registry_declares_every_emitter():
    codes = emittable_codes()
    # one per emitter family: load, shoes (a factory imported from another module), gait, self-tests
    # (per side), history trends (factory imported), triage rules, causes
    for code in ("load.spike", "load.single_shoe", "load.shoe_over_limit", "gait.overstride", "gait.asymmetry",
                 "clinic.bridge_poor.left", "clinic.bridge_poor.right", "clinic.ostrc_substantial",
                 "clinic.morning_pain_above_baseline", "clinic.triage.chest_symptoms",
                 "clinic.triage.unanswered_red_flag", "clinic.cause.paes"):
        assert code in codes, code
    assert len(codes) >= 70


def test_registry_codes_are_real_codes():
    """No stale code in the registry: each listed code (or its per-side form) can be emitted."""
    emitted = {base_code(c) for c in emittable_codes()} | set(emittable_codes())
    listed = {c for e in all_explanations().values() for c in e.codes}
    assert sorted(listed - emitted) == []


def test_every_explanation_has_citations_that_resolve():
    for e in all_explanations().values():
        assert e.citation_keys, f"{e.key} has no citation"
        for c in e.citations:  # resolves through the evidence registry
            assert c.text and evidence.citation(c.key) == c


def test_issue_list_of_structures_and_mechanisms_is_covered():
    entries = all_explanations()
    assert REQUIRED_STRUCTURES <= {k for k, e in entries.items() if e.kind == "structure"}
    assert REQUIRED_MECHANISMS <= {k for k, e in entries.items() if e.kind == "mechanism"}


@pytest.mark.parametrize("key", sorted(all_explanations()))
def test_entry_is_complete_and_short(key):
    e = all_explanations()[key]
    assert len(e.text.split()) <= MAX_WORDS, f"{key}: {len(e.text.split())} words"
    assert e.feels and e.helps and e.name
    assert "{{" not in e.text + e.feels + e.helps  # every number placeholder was filled from the registry
    assert e.structures, f"{key} highlights nothing"
    if e.kind == "structure":
        assert e.structures == (key,)
    for rule_key in e.rules:  # a number's sources travel with it
        assert {c.key for c in evidence.rule(rule_key).citations} <= set(e.citation_keys)


def test_structures_and_diagram_regions_match():
    structures = {k for k, e in all_explanations().items() if e.kind == "structure"}
    assert set(diagram_data().structures) == structures


def test_numbers_come_from_the_evidence_registry():
    spike = explanation_for("load_spikes")
    assert f"{evidence.value('load.spike.small') * 100:.0f} %" in spike.text
    assert "load.spike.small" in spike.rules and "frandsen2025" in spike.citation_keys


def test_lookup_by_key_alias_and_code():
    assert explanation_for("popliteus").key == "popliteus"
    assert explanation_for("Baker's cyst").key == "bakers_cyst"
    assert explanation_for("  Outer Hamstring ").key == "biceps_femoris"
    assert explanation_for("gait.overstride").key == "overstriding"
    assert explanation_for("clinic.bridge_poor.right").key == "weak_hamstrings"  # per-side codes
    assert explanation_for("clinic.cause.dvt").key == "popliteal_vein"


def test_unknown_key_suggests_close_matches():
    with pytest.raises(UnknownExplanation) as err:
        explanation_for("hamstrng")
    assert "weak_hamstrings" in err.value.suggestions
    assert "did you mean" in str(err.value)
    assert isinstance(err.value, LookupError)  # the CLI and web turn it into a clear message


def test_explanations_for_a_finding_give_entries_and_structures():
    f = Finding("gait.extended_knee_landing", Severity.MODERATE, "t", "e")
    found = explanations_for_finding(f)
    assert [e.key for e in found.entries] == ["straight_knee_landing"]
    assert {"posterior_capsule", "popliteus", "fabella"} <= set(found.structures)
    assert found.figure == "landing" and found.citations
    assert explanations_for_finding(f.to_dict()).structures == found.structures  # the dict form too
    # a red flag points to structures directly, and mechanisms lead when both apply
    calf = explanations_for_finding("clinic.triage.calf_red_warm")
    assert {e.key for e in calf.entries} == {"popliteal_vein", "bakers_cyst"}
    assert explanations_for_finding("no.such.code").entries == ()


def test_finding_json_carries_its_explain_keys():
    from kneeguard.explain import finding_json

    d = finding_json(Finding("load.spike", Severity.HIGH, "t", "e"))
    assert d["explain"]["entries"] == ["load_spikes"] and "popliteus" in d["explain"]["structures"]


def test_topic_for_a_structure_lists_the_codes_pointing_to_it():
    found = topic("popliteus")
    assert not found.is_finding and "clinic.cause.popliteus" in found.codes
    assert "gait.overstride" in found.codes  # through the overstriding mechanism


def test_code_registry_expands_sides_and_refuses_doubles():
    from kneeguard.codes import FindingCode, declaration

    weak = FindingCode("x.weak", "x", per_side=True)
    assert weak.emitted() == ("x.weak.left", "x.weak.right") and weak.for_side("left") == "x.weak.left"
    with pytest.raises(ValueError):
        weak.for_side(None)
    with pytest.raises(ValueError):
        FindingCode("y.code", "x")
    assert declaration("clinic.bridge_poor.right").code == "clinic.bridge_poor"
    assert base_code("clinic.bridge_poor.right") == "clinic.bridge_poor"


