"""Property tests: red flags never lower the level; no symptoms never rise above self-care."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kneeguard.clinic import load_questionnaire, triage
from kneeguard.clinic import TriageLevel

QN = load_questionnaire()
RED_FLAG_ANSWERS = [
    ("chest_symptoms", True), ("knee_hot_swollen", True), ("calf_swelling", True), ("calf_red_warm", True),
    ("foot_cold_pale", True), ("foot_drop", True), ("exertional_calf", True), ("saddle_bladder", True),
    ("locking", "locked_now"), ("can_bear_weight", False), ("fever_unwell", True), ("clot_risks", ["previous_clot"]),
]
CONDITIONAL = {"fever_unwell", "clot_risks"}
SYMPTOM_FREE = {"has_pain": False, "can_bear_weight": True, "locking": "no", "chest_symptoms": False,
                "knee_hot_swollen": False, "fever_unwell": False, "calf_swelling": False, "calf_red_warm": False,
                "clot_risks": ["none"], "foot_cold_pale": False, "foot_drop": False, "exertional_calf": False,
                "saddle_bladder": False, "foot_numb_tingling": False, "back_pain": False}


def _value(draw, q):
    if q.type == "bool":
        return draw(st.booleans())
    if q.type == "choice":
        return draw(st.sampled_from(q.values))
    if q.type == "multi":
        plain = [v for v in q.values if v not in q.exclusive]
        return draw(st.lists(st.sampled_from(plain), min_size=1, max_size=3, unique=True))
    if q.type == "scale":
        return draw(st.integers(0, 10))
    if q.integer:
        return draw(st.integers(int(q.minimum), int(min(q.maximum, 200))))
    return draw(st.floats(q.minimum, min(q.maximum, 200), allow_nan=False))


@st.composite
def answer_sets(draw):
    answers = {}
    for q in QN.questions:  # definition order, so branching sees its parents
        if QN.visible(q, answers) and draw(st.booleans() if not q.required else st.just(True)):
            answers[q.id] = _value(draw, q)
    return QN.validate(answers)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets(), st.sampled_from(RED_FLAG_ANSWERS), st.integers(0, 3))
def test_adding_a_red_flag_never_lowers_the_level(validation, flag, weeks):
    before = triage(validation.answers, validation.missing_red_flags, weeks)
    qid, value = flag
    changed = QN.validate({**validation.answers, qid: value})
    after = triage(changed.answers, changed.missing_red_flags, weeks)
    assert TriageLevel(after.level).rank >= TriageLevel(before.level).rank
    if qid not in CONDITIONAL:  # these need another answer (knee pain, calf pain) to count
        assert TriageLevel(after.level).rank >= TriageLevel("urgent").rank


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_sets())
def test_removing_every_symptom_gives_self_care(validation):
    keep = {k: v for k, v in validation.answers.items() if QN.by_id[k].section in ("selftests", "history") or k in ("age", "sex")}
    keep.pop("surgery", None)  # surgery is history, but 'surgery_12wk' lives in clot_risks, already negative
    cleared = QN.validate({**keep, **SYMPTOM_FREE})
    assert cleared.ok and not cleared.missing_red_flags
    assert triage(cleared.answers, cleared.missing_red_flags).level == "self-care"
