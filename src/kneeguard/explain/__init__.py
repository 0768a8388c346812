"""Explain it (issue 7): the anatomy and mechanics behind each finding, in words and pictures.

    from kneeguard.explain import explanation_for, explanations_for_finding
    explanation_for("popliteus").text              # a structure, by key or alias
    explanation_for("gait.overstride").name        # the leading entry for a Finding code
    topic = explanations_for_finding(finding)      # entries + the structures to highlight
    knee_svg(topic.structures)                     # the back of the knee, those structures hatched

Entries are data (`explanations.toml`); citations resolve to the evidence registry;
`emittable_codes()` lists every Finding code the project can emit, read from the
analyses' source and the clinic rule files, so a test can check each is explained.
"""
from kneeguard.explain.codes import base_code, emittable_codes
from kneeguard.explain.diagram import diagram_data, knee_scene, knee_svg
from kneeguard.explain.pictures import topic_scene, write_picture
from kneeguard.explain.registry import (
    Explanation,
    Topic,
    UnknownExplanation,
    all_explanations,
    close_matches,
    explanation_for,
    explanations_for_code,
    explanations_for_finding,
    pointing_codes,
    topic,
)
from kneeguard.explain.runner_figure import LandingValues, runner_scene, runner_svg

__all__ = [
    "Explanation", "LandingValues", "Topic", "UnknownExplanation", "all_explanations", "base_code", "close_matches",
    "diagram_data", "emittable_codes", "explain_keys", "explanation_for", "explanations_for_code",
    "explanations_for_finding", "finding_json", "knee_scene", "knee_svg", "pointing_codes", "runner_scene", "runner_svg", "topic",
    "topic_scene", "write_picture",
]


def explain_keys(code: str) -> dict[str, list[str]]:
    """The cheap JSON form for a Finding's `explain` field: entry keys and structures to highlight."""
    found = explanations_for_finding(code)
    return {"entries": [e.key for e in found.entries], "structures": list(found.structures)}


def finding_json(finding) -> dict:
    """A Finding as people's JSON shows it (`--json`): its own fields plus `explain`, the explanations
    that cover its code. Analyses and the store keep the plain `Finding.to_dict()`."""
    return {**finding.to_dict(), "explain": explain_keys(finding.code)}
