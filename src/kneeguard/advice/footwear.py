"""Shoes, rotation and orthotics: what the evidence supports, said plainly."""
from __future__ import annotations

import datetime as dt
from typing import Any

from kneeguard import evidence
from kneeguard.advice.session import Recommendation
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.triage import triage_rules
from kneeguard.codes import any_of
from kneeguard.gait import codes as gait_codes
from kneeguard.gait.metrics import REGISTRY
from kneeguard.gait.summary import GaitSummary
from kneeguard.profile import ShoeStatus
from kneeguard.text import listed

# Gait flags a professional running assessment can look at properly (frontal plane, 3D, asymmetry), each in
# the runner's words.
PROFESSIONAL_GAIT_WORDS = ((gait_codes.LARGE_PELVIC_DROP, "a large pelvic drop"),
                           (gait_codes.KNEE_VALGUS, "the knee moving inwards"),
                           (gait_codes.ASYMMETRY, "a left/right difference"))
PROFESSIONAL_GAIT_CODES = tuple(code for code, _ in PROFESSIONAL_GAIT_WORDS)


def footwear_advice(shoes: list[ShoeStatus], codes: list[str], gait: GaitSummary | None,
                    answers: dict[str, Any], *, review_date: dt.date | None = None, professional_booked: bool = False,
                    step_rate_change: bool = False) -> list[Recommendation]:
    """`review_date`: the triage's review date (when a self-care runner who is not improving should be seen);
    `professional_booked`: the triage already books a visit; `step_rate_change`: the plan retrains cadence."""
    out: list[Recommendation] = []
    alert = evidence.rule("load.shoe.alert_km")
    active = [s for s in shoes if not s.retired]
    for shoe in active:
        if shoe.distance_km >= shoe.alert_km:
            out.append(Recommendation(
                "footwear", f"Consider replacing '{shoe.name}'",
                f"'{shoe.name}' has {shoe.distance_km:.0f} km (alert {shoe.alert_km:.0f} km). Cushioning falls with use; "
                "the kilometre limit comes from bench data, not injury studies, so replace it mainly if it feels flat "
                "or the wear is uneven." + (_new_pair_text(step_rate_change) if len(active) == 1 else ""),
                ["load.shoe_over_limit"], list(alert.citations)))
        elif shoe.distance_km >= shoe.alert_km * float(evidence.value("load.shoe.near_fraction")):
            out.append(Recommendation(
                "footwear", f"Plan a replacement for '{shoe.name}'",
                f"'{shoe.name}' has {shoe.distance_km:.0f} of {shoe.alert_km:.0f} km.", ["load.shoe_near_limit"],
                list(alert.citations)))
    rotation = evidence.rule("load.shoe.rotation")
    if not shoes:
        out.append(Recommendation(
            "footwear", "Record your shoes", "No shoes recorded, so mileage cannot be tracked: `kneeguard shoes add NAME`.",
            ["advice.no_shoes"], list(rotation.citations)))
    elif len(active) < int(rotation.value) or "load.single_shoe" in codes:
        # The hazard ratio stays in the clinician's data (`load.shoe.rotation_hr` and its citation), not in these words.
        out.append(Recommendation(
            "footwear", "Rotate two or more pairs",
            "In one study of recreational runners, those who alternated more than one pair had fewer injuries. "
            "A second pair is a simple change.", ["load.single_shoe"], list(rotation.citations)))
    out.append(Recommendation(
        "orthotics", "Orthotics: only after a professional assessment",
        "Foot orthoses lowered overall injury risk in prevention trials, mostly in military recruits; off-the-shelf "
        "shock-absorbing insoles did not help. Past insert use is a marker of earlier problems, not a fix. Consider "
        "orthoses if a physiotherapist or podiatrist finds a reason to.",
        ["advice.orthotics"], list(evidence.rule("advice.footwear.orthoses_rr").citations)))
    out.append(_professional_gait(codes, gait, answers, review_date, professional_booked))
    return out


def _new_pair_text(step_rate_change: bool) -> str:
    """With only one pair, the new one replaces it: one change at a time, brought in gradually."""
    return (" Bring the new pair in gradually (a few shorter runs first, alternating with the old pair)"
            + (", not in the same weeks as the step-rate change." if step_rate_change else "."))


def _named(declared, words: str, gait: GaitSummary | None) -> str:
    """A left/right difference names its measures (the metrics' own labels), so the reason is not a riddle."""
    if declared is not gait_codes.ASYMMETRY or gait is None:
        return words
    measures = [REGISTRY[f.details["metric"]].label for f in gait.findings
                if declared.matches(f.code) and f.details.get("metric") in REGISTRY]
    return f"{words} in {listed(list(dict.fromkeys(measures)))}" if measures else words


def _professional_gait(codes: list[str], gait: GaitSummary | None, answers: dict[str, Any],
                       review_date: dt.date | None, professional_booked: bool) -> Recommendation:
    reasons = [c for c in codes if any_of(c, PROFESSIONAL_GAIT_CODES)]
    why = [_named(declared, words, gait) for declared, words in PROFESSIONAL_GAIT_WORDS
           if any(declared.matches(c) for c in reasons)]
    why = [f"your video shows {listed(why)}, which a phone video measures poorly"] if why else []
    if gait is not None and gait.doubt:  # below the registry's quality score, or too few steps
        reasons.append("advice.gait.low_video_quality")
        why.append(f"your gait video is doubtful ({gait.doubt})")
    if _not_improving(answers):
        reasons.append("clinic.triage.not_improving")
        why.append("your pain is not improving")
    cites = list(evidence.rule("gait.cadence.increase_pct").citations)
    # The timing follows the triage: a visit it already books, else the review date (self-care).
    # The condition without the date (the summary gives the review date once); the text adds it.
    when = "at the visit this plan asks you to book" if professional_booked else "if the pain is not improving by your review date"
    dated = f" ({review_date.isoformat()})" if review_date and not professional_booked else ""
    if reasons:
        condition = f"worth considering {when}"
        text = (f"A professional running assessment (physiotherapist with video or a gait lab) is {condition}{dated}: "
                f"{'; '.join(dict.fromkeys(why))}.")
    else:
        condition = ("worth it if the pain is not better after 2-3 weeks of this plan, or if your re-filmed video "
                     "still shows overstriding after the retraining weeks")
        text = f"A professional running assessment is {condition}."
    return Recommendation("gait_assessment", "Professional gait analysis", text, reasons or ["advice.gait.when_professional"],
                          cites, condition)


def _not_improving(answers: dict[str, Any]) -> bool:
    """The triage rule this recommendation cites decides: `clinic.triage.not_improving` on these answers."""
    rule = next(r for r in triage_rules() if r.id == "not_improving")
    return evaluate(rule.when, answers) is True
