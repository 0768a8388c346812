"""A sports physiotherapist's read (read 7) of the plan after a worse week: the plan's words, one test per defect.

B3b. the hold while waiting for a professional does not say "only" beside "walk/run starts";
B4.  the walks' stricter limit (the safe band) is explained where the walks are, beside the rule's acceptable maximum;
B6.  the load of exercises never done: no "weight you are using", no "progressive", no jargon; each leg its own weight;
B7.  a plan set for week 1 only: "this week's dose", the step-rate weeks counted from continuous running, and the
     exercises left out start "at a later re-check or when your physiotherapist advises", not "after this plan";
B11. the rest day is between the planned brisk walks: everyday walking is fine.
"""
from __future__ import annotations

import pytest

from kneeguard import evidence, pain_rule
from tests.advice_support import gait_summary
from tests.test_plan_hold import _cli_text
from tests.test_plan_wording import _worse_checkin_context, _worse_checkin_plan


@pytest.fixture(scope="module")
def worse():
    return _worse_checkin_plan()


@pytest.fixture(scope="module")
def worse_with_gait():
    """The worse week with an overstriding gait video: step-rate work on hold (no continuous runs yet)."""
    from kneeguard.advice import advise
    from kneeguard.sample.history import DEMO_END

    return advise(_worse_checkin_context(DEMO_END, gait=gait_summary(168.0, day=DEMO_END)), weeks=6)


def test_b3b_the_hold_for_the_visit_does_not_say_only_beside_walk_run(worse):
    # before: "walking and exercises only (the running plan says when walk/run starts); walk/run then stays at ..."
    [hold] = [r for r in worse.pain.reasons if r.startswith("while you wait to see a professional")]
    assert "only" not in hold
    assert "no running yet, walks and exercises (the running plan says when walk/run can start)" in hold
    assert "once it starts, walk/run stays at its first step" in hold


def test_b4_the_walks_stricter_limit_is_explained_where_the_walks_are(worse):
    safe, ok = pain_rule.safe_max(), pain_rule.acceptable_max()
    assert safe < ok  # two limits: the explanation is needed
    why = f"Walks use a stricter {safe:g}/10 limit because they are the test for restarting running."
    assert pain_rule.walk_limit_words() == why
    assert f"{ok:g}/10 is acceptable" in pain_rule.describe()  # the rule's own limit, beside it
    recheck = next(s for s in worse.days if s.kind == "check_in")
    walks = [s for s in worse.days if s.kind == "walk"]
    for text in (worse.running.summary, recheck.details, *(s.details for s in walks)):
        # said before the walks' limit is used, once
        assert text.count(why) == 1 and text.index(why) < text.index(f"If a walk goes above {safe:g}/10")
    # the safe band for walking is the return-to-run readiness check
    assert f"{safe:g}/10 or less" in evidence.value("advice.rtr.readiness")


def test_b6_the_load_of_exercises_never_done_is_picked_then_kept_and_each_leg_has_its_own_weight(worse):
    text = " ".join(_cli_text(worse).split())  # as read, not as wrapped
    for contradiction in ("weight you are using", "progressive", "repetition maximum", "any weight for both"):
        assert contradiction not in text, contradiction
    held = evidence.value("advice.dose.heavy_slow_loading_held")
    assert "first session" in held and "until your next check-in" in held and "add" not in held.lower()
    calf = next(p for p in worse.strength if p.exercise.key == "calf_raise_straight")
    reps = calf.exercise.stages[0].reps
    assert calf.loading == held
    assert calf.starting_dose_text(with_loading=False).startswith(
        f"{calf.dose_for_week(0).sets} x {reps} each leg with a weight you can lift about {reps} times")
    # the painful leg's pain sets the sets and repetitions; the weight is each leg's own (her left calf is stronger)
    assert "sets the sets and repetitions for both, and any weight is chosen for each leg on its own" in calf.legs
    assert calf.legs in text and held in text


def test_b7_a_plan_set_for_week_1_says_this_week_and_counts_the_step_rate_weeks_from_continuous_running(
        worse, worse_with_gait):
    from tests.advice_support import demo_advice

    assert worse.recheck and "Exercises (this week's dose)" in _cli_text(worse)
    assert "weeks shown" not in _cli_text(worse)
    _, progressing, _ = demo_advice()
    assert not progressing.recheck and "Exercises (starting dose, in the weeks shown)" in _cli_text(progressing)

    # read 47: a walking-only week that waits for a professional leaves the step rate to the professional
    assert not worse_with_gait.gait.active and worse_with_gait.gait.summary == (
        "Step rate: for the professional who sees the knee to decide, once you run again (your video: 168 steps/min; "
        "kneeguard would start at +5 %, 176 steps/min).")
    assert not any(s.metronome_min for s in worse_with_gait.days)
    # the on-hold counting still serves a plan whose continuous runs come later (a walk/run return)
    from kneeguard.advice.gait_retraining import apply_gait, plan_gait
    from kneeguard.sample.history import DEMO_END

    gait = plan_gait(gait_summary(168.0, day=DEMO_END), ["gait.overstride"], worse_with_gait.start, 6, DEMO_END)
    apply_gait(gait, [s for s in worse_with_gait.days if s.kind == "walk"], worse_with_gait.start)
    assert gait.active and gait.on_hold
    # before: "... for 10 min of up to 3 runs a week in week 1, 20 in week 2, 30 in week 3" in a plan of walks
    minutes = evidence.value("advice.gait.metronome_minutes")
    assert (f"in the first week of continuous running, {minutes[1]} min in the second, {minutes[2]} min in the third"
            in gait.summary)
    assert "in week 1" not in gait.summary and not any(line.startswith("Week 1") for line in gait.schedule)
    assert gait.summary.count("On hold in this plan") == 1

    [note] = [n for n in worse.notes if n.startswith("Not in this plan")]
    assert "after this plan" not in note
    # said once for the three exercises that share it; a routine plan: only the physiotherapist starts them (read 51)
    assert note.count("to start only when your physiotherapist advises") == 1 and "re-check or" not in note
    assert "Slow hamstring curl (single leg, band or machine) and Nordic hamstring lowers — to start" in note


def test_b11_the_rest_day_is_between_the_planned_brisk_walks_not_from_walking(worse):
    assert worse.running.summary.startswith("Planned brisk walks: on the flat, no hills, never two days in a row. "
                                            "Everyday walking (getting about at home, to work, for errands) is fine "
                                            "on any day while it stays at 2/10 or less; it is not a brisk walk. "
                                            # read 47: what to do above it
                                            "If it goes above 2/10, cut it down (shorter trips, fewer stairs); above "
                                            "5/10, or if you limp, contact a physiotherapist or sports doctor to be "
                                            "seen within days.")
    walk = next(s for s in worse.days if s.kind == "walk")
    assert walk.title == "Brisk walk (no running)" and "Brisk walk" in walk.details  # the planned walks are the brisk ones
