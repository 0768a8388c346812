"""A physiotherapist's read of the worse week's plan (read 8): the doses a runner has to set up alone.

B3: the right calf managed 17 heel raises with body weight, so a 15-repetition dose is already about its
repetition maximum: the dose says to start with body weight on that leg. B8: the bridge hold's set-up, the shin
rotation's resistance, and the strength session's minutes from its own dose. B7: self-tests done on the painful
leg are marked as possibly limited by the pain.
"""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.advice.exercises import Prescription, library, self_test_counts, weekly_stages
from tests.test_plan_wording import _worse_checkin_plan

RIGHT_17 = {"heel_rise_left": 24, "heel_rise_right": 17}  # the worse check-in's heel raises


def _calf(held: bool, counts: dict[str, int], stepped_back: bool = False) -> Prescription:
    ex = library()["calf_raise_straight"]
    p = Prescription(ex, weekly_stages(ex, 1, held, stepped_back), [], "why", held=held, stepped_back=stepped_back,
                     painful_side="right")
    p.self_test_counts = self_test_counts(ex, counts)
    return p


# ---------------------------------------------------------------- B3: body weight is already the dose's load
def test_a_leg_whose_heel_raises_are_about_the_doses_repetitions_starts_at_body_weight():
    noise = evidence.value("clinic.selftest.heel_rise_noise")
    held = _calf(True, RIGHT_17, stepped_back=True)  # the worse week: 2 x 15, held
    text = held.dose_text(0)
    assert text.startswith("2 x 15 each leg with a weight you can lift about 15 times")
    assert ("Right leg: body weight only to start, as many of the 15 as you can do at the slow tempo, stopping "
            "before you fail (your heel-raise test: 17; expect fewer at this tempo at first)") in text
    # the plan holds: no weight is added until a check-in lets it move on, and it says so (read 50: no end point)
    assert text.endswith("; it stays at body weight until a check-in lets the plan move on.")
    assert "Left" not in text and 24 > 15 + noise  # the left leg's 24 is beyond the test's noise of the dose
    progressing = _calf(False, RIGHT_17).dose_text(0)
    assert progressing.endswith("Right leg: body weight only to start, as many of the 15 as you can do at the slow "
                                "tempo, stopping before you fail (your heel-raise test: 17; expect fewer at this "
                                "tempo at first); add weight only when 3 x 15 feels easy.")
    both = _calf(False, {"heel_rise_left": 12, "heel_rise_right": 14}).dose_text(0)
    assert "Both legs: body weight only to start" in both and "(your heel-raise test: 12 (left) and 14 (right);" in both
    assert "body weight" not in _calf(False, {"heel_rise_left": 30, "heel_rise_right": 22}).dose_text(0)
    assert "body weight" not in _calf(False, {}).dose_text(0)  # no self-test: the plain dose
    # the rule and its margin are the registry's, with their citations
    rule = evidence.rule("advice.dose.bodyweight_start")
    assert {c.key for c in rule.citations} >= {"advice_beyer2015", "hebertlosier2017"}


def test_the_worse_weeks_plan_says_body_weight_on_the_right_and_warns_the_calf_starts_behind_the_knee():
    plan = _worse_checkin_plan()
    calf = next(p for p in plan.strength if p.exercise.key == "calf_raise_straight")
    assert "Right leg: body weight only to start" in calf.starting_dose_text()
    days = [s for s in plan.days if s.kind == "strength"]
    assert days and all("Right leg: body weight only" in s.details for s in days)
    assert "behind the knee" in calf.exercise.cue and "pain rule" in calf.exercise.cue
    soleus = next(p for p in plan.strength if p.exercise.key == "seated_soleus_raise")
    assert "body weight" not in soleus.starting_dose_text()  # seated, both legs: not the heel-raise test's movement


# ---------------------------------------------------------------- B8: set-up, resistance, minutes
def test_the_hamstring_hold_gives_the_bridge_tests_knee_angle_with_the_hips_down():
    hold = library()["hamstring_isometric"]
    setup = evidence.rule("advice.exercise.hamstring_hold_setup")
    # hips down: with the hips lifted body weight sets the effort, and the dose's 70 % cannot be chosen (read 9)
    assert "knee bent about 20°" in setup.value and "hips down" in setup.value and "hips lifted" not in setup.value
    assert {c.key for c in setup.citations} >= {"freckleton2014"}
    assert hold.cue.startswith(setup.value) and hold.tempo in hold.cue
    assert "20°" in hold.instructions and "Keep your hips on the floor" in hold.instructions


def test_the_shin_rotation_names_its_resistance():
    rotation = library()["popliteus_rotation"]
    assert "band or your own hand" in rotation.name
    assert "band" in rotation.instructions and "own hand" in rotation.instructions


def test_the_strength_sessions_minutes_are_its_doses_sets_tempo_and_rests():
    plan = _worse_checkin_plan()
    session = next(s for s in plan.days if s.kind == "strength")
    keys = [e["key"] for e in session.exercises]
    items = [p for p in plan.strength if p.exercise.key in keys]
    assert session.duration_min == sum(p.minutes(0) for p in items)  # one owner: the doses
    hold = next(p for p in items if p.exercise.key == "hamstring_isometric")
    # 4 x 45 s on each leg, legs alternating, 2 min rest of which the other leg's 45 s hold is part: 9 3/4 min
    dose = hold.dose_for_week(0)
    assert (dose.sets, dose.reps, dose.rest_s) == (4, "45 s", 120)
    assert hold.minutes(0) == -(-(4 * 2 * 45 + 3 * (120 - 45)) // 60) == 10
    # what the minutes assume is what the runner is told: legs alternate, the other leg's set counts as rest
    assert "Alternate the legs set by set: the other leg's set counts toward the rest." in hold.legs


# ---------------------------------------------------------------- B7: self-tests on the painful leg
def test_self_tests_on_the_painful_leg_are_marked_as_possibly_pain_limited():
    from kneeguard.advice.factors import PAIN_LIMITED, rank_factors, tested_on_painful_leg
    from kneeguard.findings import Finding, Severity

    bridge_right = Finding("clinic.bridge_poor.right", Severity.MODERATE, "bridge right", "", domain="clinic")
    bridge_left = Finding("clinic.bridge_poor.left", Severity.MODERATE, "bridge left", "", domain="clinic")
    spike = Finding("load.spike", Severity.LOW, "spike", "", domain="load")
    assert tested_on_painful_leg(bridge_right, "right") and tested_on_painful_leg(bridge_left, "both")
    assert not tested_on_painful_leg(bridge_left, "right") and not tested_on_painful_leg(spike, "right")
    assert not tested_on_painful_leg(bridge_right, None)
    marked = {f.code: f.on_painful_leg for f in rank_factors([bridge_right, spike], painful_side="right")}
    assert marked == {"clinic.bridge_poor.right": True, "load.spike": False}
    plan = _worse_checkin_plan()
    assert any(f.on_painful_leg for f in plan.top_factors) and "pain may have limited it" in PAIN_LIMITED


def test_the_plan_command_marks_the_painful_legs_self_tests(capsys):
    from kneeguard.advice.factors import PAIN_LIMITED
    from kneeguard.cli.plan_cmd import show_plan

    show_plan(_worse_checkin_plan())
    out = " ".join(capsys.readouterr().out.split())
    assert "'poor' range *" in out  # the table wraps the title at 80 columns
    assert f"* {PAIN_LIMITED}" in out



def test_the_loading_rule_leaves_a_body_weight_leg_to_its_own_dose():
    """Read 42: 'use a weight with which the dose's repetitions are about all you can do' beside a leg told to use
    body weight only and stop before failing read as two instructions: the rule defers to the leg's own dose."""
    from kneeguard import evidence

    for key in ("advice.dose.heavy_slow_loading", "advice.dose.heavy_slow_loading_held"):
        assert "unless a leg's own dose says otherwise" in str(evidence.value(key))
