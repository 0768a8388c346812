"""Possible sources of pain behind the knee, ranked for education (evidence table §1a).

Always possibilities, never a diagnosis: each comes with why it was suggested
(the answers that match), what a professional would examine, the usual level of
care and its citations. A cause whose `not_when` holds cannot apply (a meniscal
tear or osteoarthritis of a replaced knee) and is never listed. Wider context
(cysts and menisci, unloader braces with known osteoarthritis, a surgeon's
protocol, knee replacement) is added only where the answers point there.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from kneeguard import evidence
from kneeguard.clinic.conditions import evaluate

LABEL = "possibility - not a diagnosis"
MIN_SCORE = 2  # at least one strong or two weak matching answers
MAX_SHOWN = 5


@lru_cache(maxsize=1)
def cause_definitions() -> tuple[dict[str, Any], ...]:
    text = resources.files(__package__).joinpath("rules").joinpath("causes.json").read_text("utf-8")
    return tuple(json.loads(text))


def possible_causes(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    ranked = []
    for cause in cause_definitions():
        if "not_when" in cause and evaluate(cause["not_when"], answers) is True:
            continue
        matched = [f for f in cause["features"] if evaluate(f["when"], answers) is True]
        score = sum(f["weight"] for f in matched)
        if score >= MIN_SCORE:
            ev = evidence.rule(f"clinic.cause.{cause['id']}")
            ranked.append({
                "id": cause["id"],
                "name": cause["name"],
                "label": LABEL,
                "score": score,
                "why": [f["why"] for f in matched],
                "professional_would_examine": cause["examine"],
                "usual_level_of_care": ev.value,
                "about": ev.summary,
                "citations": [c.to_dict() for c in ev.citations],
            })
    ranked.sort(key=lambda c: (-c["score"], c["id"]))
    return ranked[:MAX_SHOWN]


def context_notes(answers: Mapping[str, Any], causes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The source document's wider context, where the answers point there."""
    shown = {c["id"] for c in causes}
    surgery = answers.get("surgery") or []
    replaced = "total_knee_replacement" in surgery
    wanted = []
    if answers.get("lump") is True or "bakers_cyst" in shown:
        wanted.append("cyst_meniscus")
    if answers.get("known_arthritis") == "osteoarthritis" and not replaced:
        wanted += ["unloader_brace", "oa_load"]  # brace and OA load advice only with known OA
    if {"meniscus", "ligament"} & set(surgery):
        wanted.append("surgeon_protocol")
    if replaced:
        wanted += ["kks2012", "tka_return_to_sport"]
    notes = []
    for key in wanted:
        ev = evidence.rule(f"clinic.context.{key}")
        notes.append({"id": key, "text": ev.value, "citations": [c.to_dict() for c in ev.citations]})
    return notes
