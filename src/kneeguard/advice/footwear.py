"""Shoes, rotation and orthotics: what the evidence supports, said plainly."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from kneeguard import evidence
from kneeguard.advice.session import Recommendation
from kneeguard.clinic.conditions import evaluate
from kneeguard.clinic.triage import triage_rules
from kneeguard.codes import any_of
from kneeguard.gait import codes as gait_codes
from kneeguard.gait.findings import measurement_error, uncertainty_text
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
                    step_rate_change: bool = False, pain_onset: dt.date | None = None,
                    profile_doubted: bool = False, walking_only: bool = False) -> list[Recommendation]:
    """`review_date`: the triage's review date (when a self-care runner who is not improving should be seen);
    `professional_booked`: the triage already books a visit; `step_rate_change`: the plan retrains cadence;
    `pain_onset`: when the pain began (a video filmed since then may show a gait the pain has changed);
    `profile_doubted`: the check-in disagrees with the profile, so its shoes and video may be another person's;
    `walking_only`: the plan walks only, so replacing or rotating running shoes is for when running restarts."""
    out = _shoe_advice(shoes, codes, step_rate_change)
    if walking_only:  # read 50: "a few shorter runs first" in a plan with no running
        out = [replace(r, text=f"{RUN_AGAIN_FIRST}{r.text}") if r.domain == "footwear" and
               "advice.no_shoes" not in r.reason else r for r in out]
    if profile_doubted:  # read 46: the factors said so ('‡'), the shoe and gait-analysis lines did not
        out = [r if "advice.no_shoes" in r.reason else
               replace(r, text=f"{r.text} {PROFILE_SHOES_DOUBT}", data_not_confirmed=True) for r in out]
    out.append(Recommendation(
        "orthotics", "Orthotics: only after a professional assessment",
        "Foot orthoses lowered overall injury risk in prevention trials, mostly in military recruits; off-the-shelf "
        "shock-absorbing insoles did not help. Past insert use is a marker of earlier problems, not a fix. Consider "
        "orthoses if a physiotherapist or podiatrist finds a reason to.",
        ["advice.orthotics"], list(evidence.rule("advice.footwear.orthoses_rr").citations)))
    out.append(_professional_gait(codes, gait, answers, review_date, professional_booked, pain_onset,
                                  video_doubted=profile_doubted))
    return out


RUN_AGAIN_FIRST = "For when you run again (nothing to change for the walks): "
PROFILE_SHOES_DOUBT = "(From the shoes recorded in this profile, which may not be yours: see the notes.)"


def _shoe_advice(shoes: list[ShoeStatus], codes: list[str], step_rate_change: bool) -> list[Recommendation]:
    """Replace, plan a replacement, record or rotate: the advice the profile's shoes give."""
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
    return out


def _new_pair_text(step_rate_change: bool) -> str:
    """With only one pair, the new one replaces it: one change at a time, brought in gradually."""
    return (" Bring the new pair in gradually (a few shorter runs first, alternating with the old pair)"
            + (", not in the same weeks as the step-rate change." if step_rate_change else "."))


def _named(declared, words: str, gait: GaitSummary | None) -> str:
    """A left/right difference names its measures (the metrics' own labels), so the reason is not a riddle;
    '' when every flagged difference lies within the video's measurement error (no reason at all)."""
    if declared is not gait_codes.ASYMMETRY or gait is None:
        return words
    named = [f.details.get("metric") for f in gait.findings if declared.matches(f.code)]
    if not any(name in REGISTRY for name in named):
        return words  # no measure named: nothing to check against the video's error
    # each measure with both sides' values and the video's error (a physiotherapist read the reason without them)
    measures = [f"{REGISTRY[name].label} ({sides_text(gait, name)})" if sides_text(gait, name) else REGISTRY[name].label
                for name in dict.fromkeys(beyond_error_asymmetries(gait))]
    return f"{words} in {listed(measures)}" if measures else ""


def sides_text(gait: GaitSummary, name: str) -> str:
    """'L 28° / R 20°, ±5 deg 2D-video error': both sides of a gait metric as every view of a left/right
    difference shows them (the plan's reason for a gait analysis, the summary's gait row)."""
    metric, left, right = REGISTRY[name], gait.left.get(name), gait.right.get(name)
    if not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
        return ""
    unit = "°" if metric.unit == "deg" else f" {metric.unit}"
    error = uncertainty_text(metric.uncertainty_key)
    return f"L {left:.0f}{unit} / R {right:.0f}{unit}" + (f", {error} 2D-video error" if error else "")


def beyond_error_asymmetries(gait: GaitSummary) -> list[str]:
    """The flagged left/right differences whose sides differ by more than the metric's 2D-video error
    (`gait.uncertainty.*`): a physiotherapist read 'your video shows a left/right difference in knee bend at
    landing' as overstated when the two sides were 1.5 degrees apart against a +/-5 degree error. A metric
    without an error in its own unit is kept (its symmetry index is all there is to judge)."""
    names = []
    for f in gait.findings:
        name = f.details.get("metric")
        if not gait_codes.ASYMMETRY.matches(f.code) or name not in REGISTRY:
            continue
        error = measurement_error(REGISTRY[name])
        left, right = gait.left.get(name), gait.right.get(name)
        sides_known = isinstance(left, (int, float)) and isinstance(right, (int, float))
        if error is None or not sides_known or abs(left - right) > error:
            names.append(name)
    return names


def filmed_after_onset(gait: GaitSummary | None, pain_onset: dt.date | None) -> str:
    """'your video was filmed on 20 Nov 2026, after the pain began (01 Nov 2026), so the pain may have changed
    how you run' when the clip is from on or after the onset ('' otherwise; `advice.gait.filmed_after_onset`)."""
    filmed = _recorded_day(gait)
    if filmed is None or pain_onset is None or filmed < pain_onset:
        return ""
    return (f"your video was filmed on {filmed:%d %b %Y}, after the pain began ({pain_onset:%d %b %Y}), "
            "so the pain may have changed how you run")


def _recorded_day(gait: GaitSummary | None) -> dt.date | None:
    if gait is None or not gait.recorded_at:
        return None
    try:
        return dt.date.fromisoformat(str(gait.recorded_at)[:10])
    except ValueError:
        return None


def _professional_gait(codes: list[str], gait: GaitSummary | None, answers: dict[str, Any],
                       review_date: dt.date | None, professional_booked: bool,
                       pain_onset: dt.date | None = None, video_doubted: bool = False) -> Recommendation:
    reasons = list(dict.fromkeys(c for c in codes if any_of(c, PROFESSIONAL_GAIT_CODES)))  # one per code
    named = {declared: _named(declared, words, gait) for declared, words in PROFESSIONAL_GAIT_WORDS
             if any(declared.matches(c) for c in reasons)}
    # a flag whose every measure is within the video's error is no reason for an assessment
    reasons = [c for c in reasons if not any(d.matches(c) and not text for d, text in named.items())]
    why = [text for text in named.values() if text]
    video = "this profile's video (which may not be yours: see the notes)" if video_doubted else "your video"
    from_video = bool(why)
    why = [f"{video} shows {listed(why)}, which a phone video measures poorly"] if why else []
    if gait is not None and gait.doubt:  # below the registry's quality score, or too few steps
        reasons.append("advice.gait.low_video_quality")
        why.append(f"your gait video is doubtful ({gait.doubt})")
    if _not_improving(answers):
        reasons.append("clinic.triage.not_improving")
        why.append("your pain is not improving")
    cites = list(evidence.rule("gait.cadence.increase_pct").citations)
    after_onset = filmed_after_onset(gait, pain_onset)
    if after_onset and reasons:  # a note on the video the reasons rest on, not a reason of its own
        why.append(after_onset)
        cites += [c for c in evidence.rule("advice.gait.filmed_after_onset").citations if c not in cites]
    # The timing follows the triage: a visit it already books, else the review date (self-care).
    # The condition without the date (the summary gives the review date once); the text adds it.
    when = "at the visit this plan asks you to book" if professional_booked else "if the pain is not improving by your review date"
    dated = f" ({review_date.isoformat()})" if review_date and not professional_booked else ""
    if reasons:
        condition = f"worth considering {when}"
        text = (f"A professional running assessment (physiotherapist with video or a gait lab) is {condition}{dated}: "
                f"{'; '.join(dict.fromkeys(why))}.")
    else:
        condition = "worth it if the pain is not better after 2-3 weeks of this plan" + (
            ", or if your re-filmed video still shows overstriding after the retraining weeks" if gait is not None
            else "")  # a runner with no video yet was told about a re-filmed one
        text = f"A professional running assessment is {condition}."
    return Recommendation("gait_assessment", "Professional gait analysis", text, reasons or ["advice.gait.when_professional"],
                          cites, condition, data_not_confirmed=video_doubted and from_video)


def _not_improving(answers: dict[str, Any]) -> bool:
    """The triage rule this recommendation cites decides: `clinic.triage.not_improving` on these answers."""
    rule = next(r for r in triage_rules() if r.id == "not_improving")
    return evaluate(rule.when, answers) is True
