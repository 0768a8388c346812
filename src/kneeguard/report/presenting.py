"""The check-in in a clinician's shorthand for the report's data-source table: the presenting complaint, what is
absent (the negatives a clinician asks for), what aggravates it, and the self-test values side by side.

A physiotherapist's reads: the summary gave no side, site, duration or pain scores; then no pertinent negatives,
no aggravating factors and none of the measured self-test values. Every value is the check-in's own answer (or the
pain history's duration, `clinic.episode.PainHistory`, which the check-in's and the plan's words read too).
"""
from __future__ import annotations

from typing import Any

# Symptoms a clinician asks about at a posterior knee, by question: the answer(s) that mean "absent", and the short
# name the shorthand uses. Presentation only: the triage reads the answers themselves.
NEGATIVES = (
    ("swelling", ("none",), "swelling"),
    ("locking", ("no",), "locking"),
    ("catching", (False,), "catching"),
    ("giving_way", (False,), "giving way"),
    ("lump", (False,), "lump"),
    ("calf_swelling", (False,), "calf swelling"),
    ("foot_numb_tingling", (False,), "numbness or tingling"),
)


def duration_shorthand(checkin) -> str:
    """'3 wk', or '5 wk (said 3)' when the earlier check-ins date the pain further back (the same
    `clinic.episode.PainHistory` the check-in's and the plan's words read)."""
    weeks = checkin.answers.get("duration_weeks")
    if not isinstance(weeks, (int, float)):
        return ""
    history = checkin.pain_history
    if history is not None and history.differs_from_answer:
        return f"{history.weeks} wk (said {weeks:g})"
    return f"{weeks:g} wk"


def presenting_complaint(checkin) -> str:
    """The presenting complaint in a clinician's shorthand, from the latest check-in's own answers (a
    physiotherapist's read: the summary gave no side, site, duration or pain scores)."""
    a = checkin.answers
    if a.get("has_pain") is not True:
        return "no pain reported"
    where = " ".join(x for x in (a.get("side") or "", "/".join(a.get("location") or [])) if x and x != "unsure")
    who = " ".join(x for x in (f"{a['age']:g} y" if isinstance(a.get("age"), (int, float)) else "",
                               {"female": "F", "male": "M"}.get(a.get("sex") or "", "")) if x)
    parts = [who, where, a.get("onset") or "", duration_shorthand(checkin)]
    pain = [f"{a[k]:g}/10 {label}" for k, label in (("pain_during_run", "in runs"), ("pain_next_morning", "next morning"),
                                                     ("pain_now", "now")) if isinstance(a.get(k), (int, float))]
    if pain:
        parts.append("pain " + ", ".join(pain))
    if checkin.ostrc is not None:
        parts.append(f"OSTRC {checkin.ostrc.severity}/100")
    if a.get("previous_injury") is True:
        parts.append("previous injury")
    parts.append(negatives_and_aggravators(a))
    return "; ".join(p.replace("_", " ") for p in parts if p)


def negatives_and_aggravators(answers: dict[str, Any]) -> str:
    """'stiffness; worse with downhill, push off, resisted bend; no swelling, locking, ... or night pain'."""
    if answers.get("has_pain") is not True:
        return ""
    absent = [name for qid, no, name in NEGATIVES if qid in answers and answers[qid] in no]
    timing = answers.get("timing")
    if isinstance(timing, list) and timing and "night" not in timing:
        absent.append("night pain")
    parts = ["stiffness" if answers.get("stiffness") is True else ""]
    aggravators = [a for a in answers.get("aggravators") or [] if a not in ("none", "dont_know")]
    if aggravators:
        parts.append("worse with " + ", ".join(a.replace("_", " ") for a in aggravators))
    if absent:
        parts.append("no " + (", ".join(absent[:-1]) + " or " + absent[-1] if len(absent) > 1 else absent[0]))
    return "; ".join(p for p in parts if p)


def selftest_shorthand(answers: dict[str, Any]) -> str:
    """Each answered self-test's values, left/right side by side: 'Single-leg heel raises L 24 / R 17 reps; ...'."""
    from kneeguard.clinic.selftests import load_selftests

    out = []
    for test in load_selftests():
        values = [(q, answers[q.id]) for q in test.questions if isinstance(answers.get(q.id), (int, float))]
        if not values:
            continue
        unit = values[-1][0].unit or ""
        sides = [f"{_side(q.id)}{v:g}" for q, v in values]
        out.append(f"{test.name} {' / '.join(sides)}{(' ' + unit) if unit else ''}")
    return "; ".join(out)


def _side(qid: str) -> str:
    return "L " if "_left" in qid else "R " if "_right" in qid else ""
