"""The check-in in the report's shorthand (a physiotherapist's read of a worse week's summary: no pertinent
negatives, no aggravating factors, no self-test values, and no word that the runs stopped 15 days before)."""
from __future__ import annotations

import datetime as dt

from kneeguard.clinic import assess
from kneeguard.report.presenting import negatives_and_aggravators, presenting_complaint, selftest_shorthand
from tests.worse_week_support import WORSE, TODAY


def test_the_presenting_complaint_names_the_negatives_and_what_aggravates_it():
    checkin = assess(WORSE, today=TODAY)
    text = presenting_complaint(checkin)
    assert text.startswith("38 y F; right posterolateral; gradual; 3 wk; pain 6/10 in runs, 4/10 next morning, 2/10 now")
    assert ("stiffness; worse with downhill, push off, resisted bend; no knee swelling, locking, catching, giving way, "
            "lump, calf swelling or numbness or tingling; waking at night not ticked (when it hurts)") in text  # read 20: not asked alone


def test_a_symptom_that_is_present_is_not_listed_as_absent():
    answers = negatives_and_aggravators({**assess(WORSE, today=TODAY).answers, "giving_way": True,
                                         "timing": ["during_run", "night"]})
    assert "giving way" not in answers and "night pain" not in answers and "no knee swelling, locking" in answers


def test_self_tests_are_given_side_by_side_with_their_units():
    text = selftest_shorthand(assess(WORSE, today=TODAY).answers)
    assert "Single-leg heel raises L 24 / R 17 reps" in text and "Knee-to-wall L 11 / R 8 cm" in text
    assert "Single-leg hamstring bridge L 22 / R 15 reps" in text and "Leg-length difference 0.5 cm" in text
    assert selftest_shorthand({"has_pain": True}) == ""


def test_the_report_says_how_long_before_it_the_last_run_was():
    from kneeguard.advice import make_context
    from kneeguard.report import build_report
    from tests.advice_support import runs_frame

    runs = [(TODAY - dt.timedelta(days=d), 8.0) for d in range(15, 60, 3)]
    doc = build_report(make_context("r", TODAY, activities=runs_frame(runs)))
    [activities] = [s for s in doc.sources if s["name"] == "Activities"]
    assert "in the 28 days to the report date; last run 15 days before it" in activities["detail"]


def test_the_leg_length_difference_says_which_leg_is_longer_when_given():
    """Read 8 and 9: 'the leg-length row does not say which leg is longer'."""
    text = selftest_shorthand({**WORSE, "leg_length_longer": "right"})
    assert "Leg-length difference 0.5 cm (right longer)" in text
    assert "Leg-length difference 0.5 cm;" in selftest_shorthand({**WORSE, "leg_length_longer": "not_sure"}) + ";"


def test_stiffness_says_when_it_comes_when_given():
    """Read 8 and 9: 'stiffness' had no timing."""
    assert negatives_and_aggravators({**WORSE, "stiffness_when": ["morning", "after_sitting"]}).startswith(
        "stiffness (morning, after sitting); worse with")
    assert negatives_and_aggravators(WORSE).startswith("stiffness; worse with")
