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


# --- property tests (issue #13): removing an answer never lowers the level; adding a red flag never lowers it
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kneeguard.clinic import load_questionnaire  # noqa: E402
from kneeguard.clinic.unknowns import triage_checkin  # noqa: E402
from tests.test_clinic_properties import RED_FLAG_ANSWERS, answer_sets  # noqa: E402

QN = load_questionnaire()
GROUP_RED_FLAGS = [("replaced_knee_problems", ["wound_problem"]), ("surgery", ["total_knee_replacement"]),
                   ("pregnancy", "pregnant"), ("timing", ["night"])]


def _level(answers: dict) -> TriageLevel:
    return triage_checkin(QN, QN.validate(answers), 0, TODAY, raw=answers).level  # as `assess` calls it


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(), st.data())
def test_removing_a_warning_sign_or_required_answer_never_lowers_the_level(validation, data):
    answers = validation.answers
    removable = sorted(k for k in answers if QN.by_id[k].red_flag or QN.by_id[k].required or k == "trend")
    if not removable:
        return
    qid = data.draw(st.sampled_from(removable))
    assert _level({k: v for k, v in answers.items() if k != qid}).rank >= _level(answers).rank, qid


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(), st.sampled_from(RED_FLAG_ANSWERS + GROUP_RED_FLAGS))
def test_adding_a_red_flag_never_lowers_the_level_with_unknowns_escalated(validation, flag):
    qid, value = flag
    assert _level({**validation.answers, qid: value}).rank >= _level(validation.answers).rank


def test_postpartum_window_in_the_question_is_the_registry_value():
    from kneeguard import evidence

    weeks = evidence.value("clinic.group.postpartum_weeks")
    q = QN.by_id["pregnancy"]
    assert f"{weeks} weeks" in q.text and all(f"{weeks} weeks" in o.label for o in q.options if o.value == "postpartum")
