"""The plan section, read from the advice engine's `Advice`.

The advice engine owns what is prescribed; this module only lays it out for the
page (dosage text, citation numbers, codes as the titles of their findings).
Without advice the section says how to get one.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kneeguard.clinic.episode import both_knees_visit
from kneeguard.report.document import References

if TYPE_CHECKING:
    from kneeguard.advice import Advice, Prescription, Recommendation, Session
    from kneeguard.advice.gait_retraining import GaitRetraining

CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")  # e.g. advice.no_shoes: an engine code, not words
DETAIL_DAYS = 14
NO_ADVICE = ("No plan was generated for this report. Run `kneeguard plan` once activities or a check-in "
             "are recorded.")
# The gait-retraining numbers shown as label / value rows, in this order.
GAIT_ROWS = (("Measured cadence spm", "measured_cadence_spm"), ("Target cadence spm", "target_cadence_spm"),
             ("Upper cadence spm", "upper_cadence_spm"), ("Metronome bpm", "metronome_bpm"), ("Weeks", "weeks"),
             ("Film date", "film_date"), ("Caution", "caution"))


def build_plan(advice: Advice | None, refs: References, titles: dict[str, str] | None = None) -> dict[str, Any]:
    """`titles`: finding code -> title, so a reason given as codes reads as words."""
    from kneeguard import pain_rule
    from kneeguard.advice.engine import PROFESSIONAL_TITLES

    titles = titles or {}
    if advice is None:
        return {"available": False, "no_advice": NO_ADVICE, "running_notes": [], "weeks": [], "later_weeks": "", "days": [],
                "days_total": 0, "strength": [], "pain_rule": "", "warmup": [], "flexibility": [], "gait": None,
                "footwear": [], "professional": None, "edits": [], "cap": "", "held_back": [], "stopped": ""}
    days = advice.days
    first = min((s.date for s in days), default=None)
    return {
        "available": True,
        "no_advice": NO_ADVICE,
        # the clinician's edits, each with who set it and when, applied or not (and why not)
        "edits": [o.text() for o in advice.overrides],
        "running_notes": [t for t in [advice.running.summary, *(r.get("text") for r in advice.running.rules)] if t],
        "running_brief": advice.running.brief or advice.running.summary,
        "cap": advice.pain.cap,  # how far running goes until the professional's visit ('' without one)
        "held_back": advice.held_back, "held_back_starter": advice.held_back_starter,  # exercises left for the physiotherapist (the plan's "Not in this plan")
        # A plan held at week 1 has no weekly table: week 1 is shown day by day and the later weeks are not set.
        "weeks": [] if advice.recheck else _weeks(advice),
        "later_weeks": advice.later_weeks_words,
        "later_weeks_brief": advice.later_weeks_brief,
        # read 49: the summary's follow-up left out the visit for both knees the plan's note asks for
        "both_knees": f"{both_knees_visit(advice.knee_side)}." if advice.other_knee_note else "",
        # Day by day only for the first fortnight: the weekly table covers the rest in two minutes' reading.
        "days": [_day(s, refs, titles) for s in days if (s.date - first).days < DETAIL_DAYS],
        "days_total": len(days),
        "strength": [_exercise(p, refs, titles) for p in advice.strength],
        # a walking-only plan's rule opens with the walks' limit, which the exercises keep to as well
        "pain_rule": f"{advice.pain_rule_words} Now: {advice.pain.decision.label}.",
        "exercise_pain_brief": pain_rule.walking_only_exercise_brief() if advice.exercise_pain_words else "",
        "warmup": [_exercise(p, refs, titles) for p in advice.warmup],
        "flexibility": [_exercise(p, refs, titles) for p in advice.flexibility],
        "gait": _gait(advice.gait, refs, titles),
        "footwear": [_recommendation(r, refs, titles) for r in advice.footwear],
        # a plan that stops training prescribes nothing (its footwear line read "no shoes are tracked" beside a
        # tracked pair)
        "stopped": STOPPED_WORDS if advice.pain.stop else "",
        "professional": {"rows": [], "text": advice.professional.text,
                         # the visit the triage books (the report's banner says it): not repeated in the summary
                         "books_visit": advice.professional.title == PROFESSIONAL_TITLES.get(advice.pain.level),
                         "summary_text": advice.professional.text_without_bring, "list": [],
                         "reason": _reason_text(advice.professional.reason, titles),
                         "cites": refs.cite(_cites(advice.professional.citations))},
    }


STOPPED_WORDS = "Nothing until a professional has seen the runner: no running, exercises, gait or footwear changes."


def _day(s: Session, refs: References, titles: dict[str, str]) -> dict[str, Any]:
    details = "" if s.kind == "strength" else s.details  # strength: the dose is in the programme table
    if s.exercises and not details and s.kind != "strength":
        details = "; ".join(str(x.get("name", "")) for x in s.exercises)
    return {
        "date": s.date.isoformat(),
        "weekday": s.date.strftime("%a %d %b"),
        "week": s.date.isocalendar()[1],
        "kind": s.kind,
        "title": s.title or s.kind,
        "details": details,
        "duration": _num(s.duration_min, "min"),
        "distance": _num(s.distance_km, "km"),
        "cadence": s.cadence_text,
        "reason": _reason_text(s.reason, titles),
        "cites": refs.cite(_cites(s.citations)),
    }


def _exercise(p: Prescription, refs: References, titles: dict[str, str]) -> dict[str, Any]:
    """One exercise: name, dosage line, how to progress / regress, reason, cites."""
    from kneeguard import evidence

    ex = p.exercise
    dosage = " ".join(filter(None, (evidence.rule(ex.dose_rule).summary, p.loading, p.legs)))
    return {"name": ex.name, "dosage": dosage, "brief_dose": p.brief_dose(frequency=False),
            "brief_frequency": p.brief_frequency, "details": ex.instructions,
            "progression": ex.progression, "regression": ex.regression, "tempo": ex.cue,
            "reason": _reason_text(p.reason, titles, p.why), "evidence": ex.evidence,
            "cites": refs.cite(_cites(p.citations))}


def _recommendation(r: Recommendation, refs: References, titles: dict[str, str]) -> dict[str, Any]:
    return {"name": r.title, "domain": r.domain, "condition": r.condition, "dosage": "", "details": r.text, "progression": "", "regression": "", "tempo": "",
            "reason": _reason_text(r.reason, titles), "evidence": "", "cites": refs.cite(_cites(r.citations)),
            "data_not_confirmed": r.data_not_confirmed}


def _gait(g: GaitRetraining, refs: References, titles: dict[str, str]) -> dict[str, Any]:
    """Gait retraining: its numbers as rows (none when inactive: then only its explanation matters)."""
    values = {key: getattr(g, key) for _, key in GAIT_ROWS}
    values["film_date"] = g.film_date.isoformat() if g.film_date else None
    rows = [(label, _text(values[key])) for label, key in GAIT_ROWS if values[key] not in (None, "")] \
        if g.active else []
    return {"rows": rows, "text": g.summary, "brief": g.brief, "list": [_text(v) for v in g.schedule],
            "reason": _reason_text(g.reason, titles), "cites": refs.cite(_cites(g.citations))}


def _cites(citations) -> list[dict[str, str]]:
    return [c.to_dict() for c in citations]


def _reason_text(reason: list[str], titles: dict[str, str], why: str = "") -> str:
    """Finding codes as their titles, each once (codes of one kind can share a title: a runner read the same
    spike three times in a row); engine-internal codes with no title are left out."""
    words = [titles.get(str(r), "" if CODE.match(str(r)) else str(r)) for r in reason]
    return "; ".join(dict.fromkeys(w for w in [*words, why] if w))


def _weeks(advice: Advice) -> list[dict[str, Any]]:
    """One row per plan week (`Advice.week_summaries`: 7 days from the plan's first day, the weeks its running rules
    and the exercise budget count, so "week 6" here is the running summary's week 6)."""
    return [{"n": w.number, "dates": f"{w.start:%d %b} – {w.end:%d %b}", "runs": w.runs,
             "km": f"{w.km:.1f} km" if w.km else (w.by_minutes or "—"), "longest": f"{w.longest_km:.1f} km" if w.longest_km else "—",
             "strength": len(w.strength_days), "exercise_min": w.exercise_min, "rest": w.days_without_run}
            for w in advice.week_summaries]


def _text(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:g}"
    return str(x)


def _num(x: float | None, unit: str) -> str:
    return "" if x is None else f"{float(x):g} {unit}"
