"""A check-in about the other knee starts a new episode: its onset, usual next-morning pain and trend come from
that knee's check-ins only, and the plan says so (a physiotherapist found a left knee dated from an earlier right
knee's check-ins, unremarked); a check-in whose sex or age disagrees with the profile is said too."""
from __future__ import annotations

import datetime as dt

from kneeguard import evidence
from kneeguard.advice import make_context
from kneeguard.clinic import assess
from kneeguard.clinic.episode import same_knee
from kneeguard.clinic.history import CheckinRecord
from kneeguard.profile import AthleteProfile
from tests.advice_support import AS_OF, BASE_ANSWERS

EARLIER = [CheckinRecord(AS_OF - dt.timedelta(days=d), {**BASE_ANSWERS, "side": "right", "pain_next_morning": 1,
                                                         "duration_weeks": 2}, "self-care") for d in (21, 14)]
LEFT = {**BASE_ANSWERS, "side": "left", "duration_weeks": 1, "pain_next_morning": 4}


def test_the_other_knees_checkins_are_another_episode():
    assert same_knee(EARLIER, LEFT) == []
    assert same_knee(EARLIER, {**LEFT, "side": "right"}) == EARLIER
    assert same_knee(EARLIER, {**LEFT, "side": "both"}) == EARLIER  # both knees: compatible with either
    both_then_left = [EARLIER[0], CheckinRecord(AS_OF - dt.timedelta(days=7), {**LEFT}, "self-care")]
    assert same_knee(both_then_left, LEFT) == both_then_left[1:]  # the latest run of this knee's check-ins


def test_a_left_knee_is_not_dated_or_compared_by_the_right_knees_checkins():
    left = assess(LEFT, history=EARLIER, today=AS_OF)
    right = assess({**LEFT, "side": "right"}, history=EARLIER, today=AS_OF)
    assert left.pain_history.onset.day == AS_OF - dt.timedelta(weeks=1)  # its own answer: 1 week
    assert right.pain_history.onset.day <= AS_OF - dt.timedelta(days=21)  # the right knee's episode goes back
    assert left.pain_history.usual_morning is None and right.pain_history.usual_morning == 1
    assert not left.pain_history.rises and right.pain_history.rises  # 4/10 against the right knee's 1/10


def test_the_plan_says_when_the_knee_changed_and_when_the_profile_disagrees():
    profile = AthleteProfile("ana", sex="female", birth_year=AS_OF.year - 38)
    context = make_context("ana", AS_OF, profile=profile, checkin=assess({**LEFT, "sex": "male", "age": 44},
                                                                         history=EARLIER, today=AS_OF),
                           checkin_history=EARLIER)
    notes = " ".join(context.notes)
    days = " and ".join(f"{r.on_date:%d %b}" for r in EARLIER)
    assert f"about the left knee; your check-ins of {days} were about the right" in notes
    assert context.pain_onset.day == AS_OF - dt.timedelta(weeks=1)
    assert "sex male (profile: female) and age 44 (profile: born" in notes
    same = make_context("ana", AS_OF, profile=profile, checkin=assess({**LEFT, "side": "right", "sex": "female",
                                                                       "age": 38}, history=EARLIER, today=AS_OF),
                        checkin_history=EARLIER)
    assert not any("knee" in n and "about the" in n or "profile:" in n for n in same.notes)


def test_the_summary_counts_the_other_knees_checkins_apart():
    from kneeguard.advice import advise
    from kneeguard.report.builder import build_report

    context = make_context("ana", AS_OF, checkin=assess(LEFT, history=EARLIER, today=AS_OF), checkin_history=EARLIER)
    doc = build_report(context, advise(context), history=[*EARLIER, CheckinRecord(AS_OF, LEFT, "self-care")])
    row = next(s["detail"] for s in doc.sources if s["name"] == "Check-in")
    # read 47: what the other knee's episode was, and that nothing says whether it has settled
    assert row.endswith("3 check-ins on record, 2 about the right knee (09 Jun: 1/10 next morning, self-care; 16 Jun: "
                        "1/10 next morning, self-care; a separate episode, unless the side is wrong; whether it has "
                        "settled: not asked)")
    # read 49: the summary's follow-up repeats the visit for both knees the plan's note asks for
    from kneeguard.clinic.episode import both_knees_visit
    from kneeguard.report.summary import plan_overview

    follow = next(r for r in plan_overview(doc.plan, None) if r.area == "Follow-up")
    assert f"{both_knees_visit('left')}." in follow.what and both_knees_visit("left").startswith("If the right knee")
    # read 48: the headline's "(see the notes)" pointed at notes the summary did not have: a line under it
    assert doc.triage["notes_line"] == "the earlier check-ins of 09 Jun and 16 Jun were about the right knee."
    from kneeguard.report.presenting import unconfirmed_words

    assert unconfirmed_words(["sex male (profile: female)"], (), "left") == (
        "the check-in says sex male (profile: female), so the profile's runs, video and shoes (‡) may be another "
        "person's.")
    assert unconfirmed_words([], (), "left") == ""


def test_the_pain_trend_draws_this_knees_checkins_only():
    from kneeguard.report.builder import _trend_points

    latest = assess(LEFT, history=EARLIER, today=AS_OF)
    points = _trend_points([*EARLIER, CheckinRecord(AS_OF, LEFT, "self-care")], latest)
    assert [p["date"] for p in points] == [AS_OF]  # the right knee's 15 and 22 days before are another line
    right = assess({**LEFT, "side": "right"}, history=EARLIER, today=AS_OF)
    assert len(_trend_points([*EARLIER, CheckinRecord(AS_OF, {**LEFT, "side": "right"}, "self-care")], right)) == 3



def test_a_plan_whose_profile_disagrees_with_the_checkin_sizes_no_run_from_the_profiles_runs(tmp_path):
    """Read 40: the self-care plan said 'until then run no more than you do now' under the profile conflict and
    printed 20.7 km of runs sized from the profile's runs, which may be another person's; read 42: 'hold your
    running where it is' could mean the spike before the pain. Running returns by the walk/run phases, which do not
    depend on those runs; the exercises (from the check-in) stand; a walking-only plan keeps its walks."""
    from kneeguard.advice import advise
    from kneeguard.advice.running import PROFILE_CONFLICT
    from tests.advice_support import demo_advice

    context, agreed, _ = demo_advice()
    assert agreed.running.mode == "build" and any(s.distance_km for s in agreed.days)
    context.profile = AthleteProfile("demo runner", sex="male", birth_year=AS_OF.year - 38)  # check-in: female
    assert context.profile_note
    plan = advise(context)
    assert plan.running.mode == "return_to_run" and not any(s.distance_km for s in plan.days)
    assert plan.running.summary.endswith(evidence.rule(PROFILE_CONFLICT).summary)
    assert "Walk/run because your check-in and this profile disagree" in plan.running.summary
    assert any(s.kind == "walk_run" and PROFILE_CONFLICT in s.reason for s in plan.days)
    assert "until then running returns by walk/run phases" in plan.profile_note
    assert any("build back up" in line for line in plan.banner.lines)  # true of a walk/run return too
    assert [p.exercise.key for p in plan.strength] == [p.exercise.key for p in agreed.strength]
    # read 46: the shoe and gait-analysis lines come from the same profile, and say so
    from kneeguard.advice.footwear import PROFILE_SHOES_DOUBT

    shoe_lines = [r for r in plan.footwear if r.domain == "footwear"]  # this profile records none: nothing doubted
    assert shoe_lines and not any(PROFILE_SHOES_DOUBT in r.text for r in [*shoe_lines, *agreed.footwear])
    # read 44: the step-rate target would come from the profile's video: no metronome work until it agrees
    from tests.advice_support import gait_summary

    context.gait = gait_summary(160.0, codes=("gait.overstride",))
    filmed = advise(context)
    assert not filmed.gait.active and filmed.gait.summary.startswith("No step-rate work until the profile and your")
    assert not any(s.metronome_min for s in filmed.days)
    # read 43: the load factors were ranked as hers while the note said the runs may not be: marked '‡'
    load = [f for f in plan.top_factors if f.source == "load"]
    assert load and all(f.data_not_confirmed and " ‡" in f.marks for f in load)
    assert not any(f.data_not_confirmed for f in agreed.top_factors)
    assert all(f.data_not_confirmed == (f.source in ("load", "gait")) for f in plan.top_factors)


def test_the_other_knee_note_is_said_first_with_the_profile_note():
    """Read 42: the note that earlier check-ins were about the other knee sat at the plan's very end, after the
    exercises that start with the check-in's side: it is said under the banner, with what it means for them."""
    from kneeguard.advice import advise

    profile = AthleteProfile("ana", sex="female", birth_year=AS_OF.year - 38)
    context = make_context("ana", AS_OF, profile=profile, checkin=assess({**LEFT, "sex": "male", "age": 44},
                                                                         history=EARLIER, today=AS_OF),
                           checkin_history=EARLIER)
    plan = advise(context)
    assert plan.first_notes == [context.profile_note, context.other_knee_note]
    # read 45: 'you can follow the plan as written' under a note asking for a new check-in read as a go-ahead
    assert plan.pain.decision == "hold" and plan.verdict == plan.pain.verdict  # a hold holds whoever's it is
    going = advise(make_context("ana", AS_OF, profile=profile, checkin_history=EARLIER, checkin=assess(
        {**LEFT, "sex": "male", "age": 44, "pain_next_morning": 1}, history=EARLIER, today=AS_OF)))
    assert going.pain.decision == "progress" and going.verdict.startswith(going.pain.verdict)
    assert going.waits_for_notes and not plan.waits_for_notes  # the calendar's first week says it too (read 47)
    assert going.verdict.endswith("This holds only if the notes above are settled: the check-in is yours and about "
                                  "your left knee.")  # read 49: 'this knee' left open which
    # read 44: the side decides the episode, so the level of care too: all of the plan waits, running included
    assert ("the one-leg exercises start with the left leg. If the pain is really in your right knee, do a new "
            "check-in with that side before following any of this plan, running included: your level of care may "
            "change") in plan.other_knee_note
    agreed = advise(make_context("ana", AS_OF, profile=profile, checkin=assess({**LEFT, "side": "right", "sex": "female",
                                                                                 "age": 38}, history=EARLIER, today=AS_OF),
                                 checkin_history=EARLIER))
    assert agreed.first_notes == [] and agreed.verdict == agreed.pain.verdict
    # read 46: the summary's headline 'Self-care is reasonable' was the one place without the condition
    assert plan.banner.headline.endswith("This holds once the check-in is confirmed as yours and about your left "
                                         "knee (see the notes).")
    assert "confirmed as yours" not in agreed.banner.headline
    # read 50: the visit for both knees in the level's own box (second line), not only mid-note
    from kneeguard.clinic.episode import both_knees_visit

    assert plan.banner.lines[1] == plan.banner.both_knees == f"{both_knees_visit('left')}."
    assert agreed.banner.both_knees == "" and plan.banner.both_knees not in agreed.banner.lines


def test_a_level_that_sends_the_runner_to_a_professional_is_never_made_conditional():
    """Read 46 made the self-care headline conditional on the notes; a level above self-care holds whoever's
    check-in it is (when unsure, escalate), so neither its headline nor its stop verdict carries the condition."""
    from kneeguard.advice import advise
    from kneeguard.advice.context import CONFIRM_FIRST, level_condition

    profile = AthleteProfile("ana", sex="female", birth_year=AS_OF.year - 38)
    urgent = advise(make_context("ana", AS_OF, profile=profile, checkin_history=EARLIER,
                                 checkin=assess({**LEFT, "sex": "male", "age": 44, "calf_swelling": True},
                                                history=EARLIER, today=AS_OF)))
    assert urgent.banner.level == "urgent" and urgent.first_notes  # both notes still said
    assert "confirmed as yours" not in urgent.banner.headline
    assert urgent.verdict == urgent.pain.verdict
    assert level_condition("self-care", True) == CONFIRM_FIRST
    # a hold or step back is the cautious plan whoever's check-in it is: only the go-ahead is conditional
    sore = advise(make_context("ana", AS_OF, profile=profile, checkin_history=EARLIER,
                               checkin=assess({**LEFT, "sex": "male", "age": 44, "pain_during_run": 7},
                                              history=EARLIER, today=AS_OF)))
    assert sore.first_notes and sore.pain.decision != "progress" and sore.verdict == sore.pain.verdict
    assert level_condition("routine", True) == level_condition("self-care", False) == ""


def test_the_other_knee_note_asks_about_the_other_knee():
    """Read 46: nothing asked whether the right knee, the earlier check-ins' knee, had settled."""
    from kneeguard.clinic.episode import other_knee_words

    words = other_knee_words("left", [c.on_date for c in EARLIER])
    assert words.endswith("If the right knee still hurts too, this plan does not cover it: see a physiotherapist "
                          "or sports doctor within 1-2 weeks about both knees; until then the pain rule applies to "
                          "both knees in every session, running included (the more painful knee sets the sets and "
                          "repetitions), and the right leg's one-leg exercises are done with body weight only")


def test_shoe_and_gait_analysis_lines_say_when_the_profile_may_not_be_hers():
    """Read 46: under a profile conflict the factors carried '‡', while the shoe-mileage and the professional gait
    analysis lines, from the same profile's shoes and video, read as hers."""
    from kneeguard.advice.footwear import PROFILE_SHOES_DOUBT, footwear_advice
    from kneeguard.profile import ShoeStatus

    shoe = ShoeStatus(1, "Daily trainer (old)", 1035.0, 700.0, False)
    doubted = footwear_advice([shoe], [], None, {}, profile_doubted=True)
    trusted = footwear_advice([shoe], [], None, {})
    replace_doubted = next(r for r in doubted if r.title.startswith("Consider replacing"))
    assert replace_doubted.text.endswith(PROFILE_SHOES_DOUBT)
    assert not any(PROFILE_SHOES_DOUBT in r.text for r in trusted)
    assert not any(PROFILE_SHOES_DOUBT in r.text for r in footwear_advice([], [], None, {}, profile_doubted=True))
    from tests.advice_support import gait_summary

    drop = gait_summary(codes=("gait.large_pelvic_drop",))
    analysis = {doubt: next(r.text for r in footwear_advice([], ["gait.large_pelvic_drop"], drop, {}, profile_doubted=doubt)
                            if r.domain == "gait_assessment") for doubt in (True, False)}
    assert "this profile's video (which may not be yours: see the notes) shows a large pelvic drop" in analysis[True]
    assert "your video shows a large pelvic drop" in analysis[False]
    # the summary's Footwear row names them with the factors' '‡'
    from kneeguard.report.summary import plan_overview

    assert replace_doubted.data_not_confirmed and not any(r.data_not_confirmed for r in trusted)
    listed_items = [{"name": r.title, "domain": r.domain, "condition": "", "data_not_confirmed": r.data_not_confirmed}
                    for r in doubted if r.domain == "footwear"]
    row = next(r for r in plan_overview({"available": True, "footwear": listed_items}, None) if r.area == "Footwear")
    assert row.what.startswith("Consider replacing 'Daily trainer (old)' ‡;")
