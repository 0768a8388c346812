"""Unknown means escalate (issue #13): leaving an answer out never lowers the level, time rules read
pain and trend together, and the result lists which answers would change the level."""
from __future__ import annotations

import datetime as dt

from kneeguard.clinic import TriageLevel, assess
from kneeguard.clinic.causes import context_notes
from tests.test_triage_vignettes import GRADUAL, NEGATIVE

TODAY = dt.date(2026, 5, 4)
GRADUAL_CALF = {**NEGATIVE, **GRADUAL, "location": ["posterolateral"], "pain_next_morning": 1}


def level(answers: dict) -> TriageLevel:
    return assess(answers, today=TODAY).level


def test_leaving_the_trend_out_never_lowers_the_level():
    stuck = {**GRADUAL_CALF, "duration_weeks": 3, "pain_next_morning": 4}
    with_trend = level({**stuck, "trend": "same"})
    without = level({k: v for k, v in stuck.items() if k != "trend"})
    assert with_trend is TriageLevel.ROUTINE
    assert without.rank >= with_trend.rank


def test_unloader_note_is_not_shown_to_a_young_novice_without_known_osteoarthritis():
    answers = {**GRADUAL_CALF, "age": 24, "years_running": 0.5, "stiffness": True}
    causes = [{"id": "knee_oa"}, {"id": "meniscus"}]
    assert "unloader_brace" not in {n["id"] for n in context_notes(answers, causes)}
    known = context_notes({**answers, "known_arthritis": "osteoarthritis"}, [])
    assert "unloader_brace" in {n["id"] for n in known}
