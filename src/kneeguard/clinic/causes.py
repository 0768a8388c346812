"""Possible sources of pain behind the knee, ranked for education (evidence table §1a).

Always possibilities, never a diagnosis: each comes with why it was suggested
(the answers that match), what a professional would examine, the usual level of
care and its citations. A cause whose `not_when` holds cannot apply (a meniscal
tear or osteoarthritis of a replaced knee) and is never listed. Wider context
(cysts and menisci, unloader braces with known osteoarthritis, a surgeon's
protocol, knee replacement) is added only where the answers point there.

A source has a usual site behind the knee when its features name one (`{"q": "location", "has": ...}`, from
the evidence table's location column). When the runner names a site behind the knee and a source's usual
site is another one, the source is marked less likely for this site and listed after the others (a
physiotherapist read an inner-back source offered for outer-back pain as a mismatch). A red-flag source
(`"red_flag": true`: a clot, artery entrapment, a cyst that may rupture) is never marked or moved down.
Likewise a source with a usual age (`"usual_from_age"`: a registry rule, e.g. osteoarthritis from 45) is marked
less likely for a younger runner, unless its `unless` condition holds (osteoarthritis already diagnosed).
`less_likely` joins the notes; the listing shows it and ranks by it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

from kneeguard import evidence
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.engine import value_in_words

LABEL = "possibility - not a diagnosis"
MIN_SCORE = 2  # at least one strong or two weak matching answers
MAX_SHOWN = 5
BACK_OF_KNEE_SITES = ("posterolateral", "posteromedial", "central")  # the location answers that name a site


@lru_cache(maxsize=1)
def cause_definitions() -> tuple[dict[str, Any], ...]:
    text = resources.files(__package__).joinpath("rules").joinpath("causes.json").read_text("utf-8")
    return tuple(json.loads(text))


def possible_causes(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    ranked = []
    said_sites = set(answers.get("location") or [])
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
                "site_note": site_note(cause, said_sites),
                "age_note": age_note(cause, answers),
            })
            ranked[-1]["less_likely"] = "; ".join(filter(None, (ranked[-1]["site_note"], ranked[-1]["age_note"])))
            if ranked[-1]["less_likely"]:
                ranked[-1]["label"] = f"{LABEL}; {ranked[-1]['less_likely']}"
    ranked.sort(key=lambda c: (bool(c["less_likely"]), -c["score"], c["id"]))
    return ranked[:MAX_SHOWN]


def usual_sites(cause: Mapping[str, Any]) -> tuple[str, ...]:
    """The locations a cause's own features name as its site ('posteromedial' for semimembranosus)."""
    sites: list[str] = []
    for feature in cause["features"]:
        when = feature["when"]
        if when.get("q") == "location":
            sites += [when["has"]] if "has" in when else list(when.get("has_any", []))
    return tuple(dict.fromkeys(sites))


def site_note(cause: Mapping[str, Any], said_sites: set[str]) -> str:
    """'less likely where you feel it: it usually hurts at the back of the knee, inner side' when the runner
    names a site behind the knee and the cause's usual sites are all elsewhere ('' otherwise, and always
    '' for a red-flag cause)."""
    named = [s for s in BACK_OF_KNEE_SITES if s in said_sites]
    usual = usual_sites(cause)
    if cause.get("red_flag") or not named or not usual or said_sites & set(usual):
        return ""
    return f"less likely where you feel it: it usually hurts at the {_site_words(usual)}"


def age_note(cause: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    """'less likely at your age, 38: usually from 45' for a source with a usual age the runner is under ('' when
    the age is not given, the `unless` condition holds, or the source is a red flag)."""
    usual = cause.get("usual_from_age")
    age = answers.get("age")
    if cause.get("red_flag") or not usual or not isinstance(age, (int, float)) or isinstance(age, bool):
        return ""
    if "unless" in usual and evaluate(usual["unless"], answers) is True:
        return ""
    start = evidence.value(usual["rule"])
    return f"less likely at your age, {age:g}: usually from {start:g}" if age < start else ""


def _site_words(sites: Iterable[str]) -> str:
    return " or ".join(value_in_words("location", s).lower() for s in sites)


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
