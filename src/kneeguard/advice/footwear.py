"""Shoes, rotation and orthotics: what the evidence supports, said plainly."""
from __future__ import annotations

from typing import Any

from kneeguard import evidence
from kneeguard.advice.session import Recommendation
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.triage import triage_rules
from kneeguard.codes import any_of
from kneeguard.gait import codes as gait_codes
from kneeguard.gait.summary import GaitSummary
from kneeguard.profile import ShoeStatus

# Gait flags a professional running assessment can look at properly (frontal plane, 3D, asymmetry).
PROFESSIONAL_GAIT_CODES = (gait_codes.LARGE_PELVIC_DROP, gait_codes.KNEE_VALGUS, gait_codes.ASYMMETRY)


def footwear_advice(shoes: list[ShoeStatus], codes: list[str], gait: GaitSummary | None,
                    answers: dict[str, Any]) -> list[Recommendation]:
    out: list[Recommendation] = []
    alert = evidence.rule("load.shoe.alert_km")
    active = [s for s in shoes if not s.retired]
    for shoe in active:
        if shoe.distance_km >= shoe.alert_km:
            out.append(Recommendation(
                "footwear", f"Replace '{shoe.name}'",
                f"'{shoe.name}' has {shoe.distance_km:.0f} km (alert {shoe.alert_km:.0f} km). Cushioning falls with use; "
                "the kilometre limit comes from bench data, not injury studies, so replace it mainly if it feels flat "
                "or the wear is uneven.", ["load.shoe_over_limit"], list(alert.citations)))
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
        hazard, low, high = evidence.value("load.shoe.rotation_hr")
        out.append(Recommendation(
            "footwear", "Rotate two or more pairs",
            f"Runners who alternated more than one pair had fewer injuries (HR {hazard}, {low}-{high}; one cohort of "
            "264). A second pair is a cheap change.", ["load.single_shoe"], list(rotation.citations)))
    rr, lo, hi = evidence.value("advice.footwear.orthoses_rr")
    out.append(Recommendation(
        "orthotics", "Orthotics: only after a professional assessment",
        f"Foot orthoses lowered overall injury risk in prevention trials, mostly in military recruits (RR {rr}, "
        f"{lo}-{hi}); off-the-shelf shock-absorbing insoles did not help. Past insert use is a marker of earlier "
        "problems, not a fix. Consider orthoses if a physiotherapist or podiatrist finds a reason to.",
        ["advice.orthotics"], list(evidence.rule("advice.footwear.orthoses_rr").citations)))
    out.append(_professional_gait(codes, gait, answers))
    return out


def _professional_gait(codes: list[str], gait: GaitSummary | None, answers: dict[str, Any]) -> Recommendation:
    reasons = [c for c in codes if any_of(c, PROFESSIONAL_GAIT_CODES)]
    if gait is not None and gait.doubt:  # below the registry's quality score, or too few steps
        reasons.append("advice.gait.low_video_quality")
    if _not_improving(answers):
        reasons.append("clinic.triage.not_improving")
    cites = list(evidence.rule("gait.cadence.increase_pct").citations)
    if reasons:
        text = ("A professional running assessment (physiotherapist with video or a gait lab) is worth it now: "
                "your data show something a phone video measures poorly (frontal-plane or left/right differences), "
                "a doubtful video, or pain that is not improving.")
    else:
        text = ("A professional running assessment is worth it if the pain is not better after 2-3 weeks of this plan, "
                "or if your re-filmed video still shows overstriding after the retraining weeks.")
    return Recommendation("gait_assessment", "Professional gait analysis", text, reasons or ["advice.gait.when_professional"],
                          cites)


def _not_improving(answers: dict[str, Any]) -> bool:
    """The triage rule this recommendation cites decides: `clinic.triage.not_improving` on these answers."""
    rule = next(r for r in triage_rules() if r.id == "not_improving")
    return evaluate(rule.when, answers) is True
