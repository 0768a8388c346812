"""A sports physiotherapist's second review: the WORDING of the plan and summary.

1. the cadence cue follows the pain rule: a step rate that provokes the pain goes back to the usual one (not
   held), the +10 % limit is no target in the runner's text, and the hamstring caution is printed;
2. the metronome dose shows its minutes with the beat wherever the plan shows the beat;
3. the plan prints the whole pain rule once and the runner's own verdict in words;
4. a self-test flagged on both sides is one factor: the worse (or, on a tie, the painful) side, with both values;
5. the summary names the source that sets each threshold, says when no injury study sets it, and rounds once;
6. the professional gait assessment says which reason applies and when (the triage's review date);
7. small wording: plurals, no statistics in the runner's text, the leg-length note, the new pair of shoes.
"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console

from kneeguard import evidence, pain_rule
from kneeguard.advice import advise, make_context
from kneeguard.advice.factors import rank_factors
from kneeguard.advice.footwear import footwear_advice
from kneeguard.advice.pain import LoadDecision, PainState
from kneeguard.clinic.findings import selftest_findings
from kneeguard.findings import Severity
from kneeguard.profile import ShoeStatus
from tests.advice_support import AS_OF, checkin, gait_summary, runs_frame


@pytest.fixture(scope="module")
def plan():
    """A runner with pain 4/10 in runs and 2/10 next morning, an overstride video at 168 steps/min, one worn pair."""
    runs = [(AS_OF - dt.timedelta(days=d), 6.0) for d in range(2, 56, 2)]
    ctx = make_context("wording runner", AS_OF, activities=runs_frame(runs), gait=gait_summary(168.0, codes=("gait.overstride", "gait.asymmetry")),
                       checkin=checkin(pain_during_run=4, pain_next_morning=2, side="right"),
                       shoes=[ShoeStatus(1, "Daily trainer", 1035.5, 700.0)])
    return advise(ctx, weeks=6)


def _printed(advice, monkeypatch) -> str:
    from kneeguard.cli import plan_cmd

    out = io.StringIO()
    monkeypatch.setattr(plan_cmd, "console", Console(file=out, width=240, color_system=None))
    plan_cmd.show_plan(advice)
    return out.getvalue()


# 1 -------------------------------------------------------------------------------------------------------


def test_a_provoking_step_rate_goes_back_to_the_usual_one_with_the_pain_rules_numbers(plan):
    gait = plan.gait
    assert gait.active
    back = "If the pain rises at the new step rate, go back to your usual step rate"
    stop = f"stop and walk home above {pain_rule.acceptable_max():g}/10"
    # Unambiguous: which run, at what step rate, and that no metronome minutes are added.
    morning = (f"if the next morning is above {pain_rule.settled_max():g}/10, run the next run at your usual step "
               "rate and add no metronome minutes")
    for text in (gait.summary, gait.pain_hold, *(s.details for s in plan.days if s.target_cadence_spm)):
        assert back in text and stop in text and morning in text
        assert "keep to it" not in text
        assert "Hold the step rate" not in text and "raising it no further" not in text
    assert "walk home if the pain goes above" in next(s.details for s in plan.days if s.target_cadence_spm)


def test_the_upper_step_rate_is_clinician_data_not_the_runners_target(plan):
    gait = plan.gait
    high = evidence.value("gait.cadence.increase_pct")[1]
    assert gait.upper_cadence_spm and plan.to_dict()["gait_retraining"]["upper_cadence_spm"] == gait.upper_cadence_spm
    assert f"at most {gait.upper_cadence_spm}" not in gait.summary and f"+{high} %" not in gait.summary


def test_the_plan_prints_the_hamstring_caution(plan, monkeypatch):
    caution = evidence.rule("advice.gait.hamstring_caution").summary
    assert plan.gait.caution == caution and "stop raising it" not in caution
    assert f"Caution: {caution}" in " ".join(_printed(plan, monkeypatch).split())


# 2 -------------------------------------------------------------------------------------------------------


def test_every_metronome_run_shows_its_minutes_with_the_beat(plan, monkeypatch):
    from kneeguard.advice.ics import build_calendar
    from kneeguard.report.plan import _day
    from kneeguard.report.document import References

    minutes = evidence.value("advice.gait.metronome_minutes")
    metronome = [s for s in plan.days if s.target_cadence_spm]
    assert metronome
    for s in metronome:
        week = (s.date - plan.start).days // 7
        assert s.metronome_min == minutes[min(week, len(minutes) - 1)]
        assert s.cadence_text == f"{plan.gait.metronome_bpm} bpm for {s.metronome_min} min"
        assert s.to_dict()["metronome_min"] == s.metronome_min
        assert _day(s, References(), {})["cadence"] == s.cadence_text
    assert {s.metronome_min for s in metronome} == set(minutes)  # 10, 20, 30: the dose rises
    printed = _printed(plan, monkeypatch)
    week_one = [s for s in plan.week(0) if s.target_cadence_spm]
    assert printed.count(f"{plan.gait.metronome_bpm} bpm for {minutes[0]} min") >= len(week_one)
    ics = build_calendar(plan).to_ical().decode().replace("\r\n ", "")
    assert f"{plan.gait.metronome_bpm} bpm for {minutes[0]} min" in ics
    # Each week's minutes, from the schedule's own numbers (not '10 rising to 30 min ... for 3 weeks').
    weeks = plan.gait.weeks
    used = [minutes[min(w, len(minutes) - 1)] for w in range(weeks)]
    later = ", ".join(f"{m} min in week {w + 1}" for w, m in enumerate(used) if w)  # 'min' each (read 34)
    assert f"for {used[0]} min of up to " in plan.gait.summary
    assert f"runs a week in week 1, {later}." in plan.gait.summary
    assert f"in week 1, {used[1]} min in week 2" in plan.gait.summary and "rising to" not in plan.gait.summary
    assert plan.gait.summary.count(f"{used[-1]} min in week {weeks}") == 1


# 3 -------------------------------------------------------------------------------------------------------


def test_the_plan_prints_the_whole_pain_rule_once_and_the_runners_own_verdict(plan, monkeypatch):
    printed = " ".join(_printed(plan, monkeypatch).split())
    assert printed.count(pain_rule.describe()) == 1
    assert f"Pain rule: {plan.pain.decision.label}" not in printed
    assert plan.pain.verdict in printed


def test_the_verdict_quotes_the_runners_values_and_the_decision():
    kept = PainState(True, None, True, during_run=4, next_morning=2)
    assert kept.verdict == "Your pain (4/10 in runs, 2/10 next morning) is within the limits: you can follow the plan as written."
    held = PainState(True, None, True, during_run=3, next_morning=3)
    held.apply(LoadDecision.HOLD, "advice.pain.not_settled", "not settled")
    assert held.verdict.startswith("Your pain (3/10 in runs, 3/10 next morning)") and "nothing increases" in held.verdict
    back = PainState(True, None, True, during_run=7)
    back.apply(LoadDecision.STEP_BACK, "advice.pain.during_above_acceptable", "above")
    assert back.verdict == "Your pain (7/10 in runs) is beyond the limits: the plan steps back one level."
    back.limits_running = True  # a step back to walking says so (a physiotherapist's read)
    assert back.verdict == "Your pain (7/10 in runs) is beyond the limits: no running for now, walk instead."
    assert "check in" in PainState(False, None).verdict


# 4 -------------------------------------------------------------------------------------------------------


def _ake_factor(left: float, right: float, painful: str | None):
    answers = {"sex": "female", "ake_left_deg": left, "ake_right_deg": right}
    factors = [f for f in rank_factors(selftest_findings(answers), painful_side=painful)
               if f.code.startswith("clinic.ake_short")]
    assert len(factors) == 1  # one factor per test, not one per side
    return factors[0]


def test_a_test_flagged_on_both_sides_is_the_worse_side_with_both_values():
    worse = _ake_factor(26, 29, painful=None)
    assert worse.code == "clinic.ake_short.right" and worse.count == 2
    assert "right 29°" in worse.title and "left 26°" in worse.title
    assert worse.to_dict()["other_sides"][0]["measured"] == 26
    assert _ake_factor(29, 26, painful="right").code == "clinic.ake_short.left"  # worse beats painful
    assert _ake_factor(28, 28, painful="right").code == "clinic.ake_short.right"  # a tie: the painful side
    assert _ake_factor(28, 28, painful="left").code == "clinic.ake_short.left"


def test_the_plan_lists_the_worse_side(plan):
    answers = {"sex": "female", "ake_left_deg": 26, "ake_right_deg": 29, "side": "right"}
    ake = [f for f in rank_factors(selftest_findings(answers), painful_side=answers["side"]) if "ake" in f.code]
    assert [f.code for f in ake] == ["clinic.ake_short.right"]


# 5 -------------------------------------------------------------------------------------------------------


def test_the_threshold_names_the_source_that_sets_it():
    from kneeguard.findings import make_finding
    from kneeguard.gait import codes as gait_codes
    from kneeguard.load import codes as load_codes
    from kneeguard.report.measured import measured_text as _measured_text

    overstride = make_finding(gait_codes.OVERSTRIDE, Severity.MODERATE, "Overstride", "", measured=17.5327,
                              threshold=8, unit="% leg length", rule="gait.overstride.warn_pct_leg")
    text = _measured_text(overstride)
    assert "GaitLab design band" in text and "Wille" not in text and "not injury-based" in text
    assert text.startswith("18 % leg length") and "17.5" not in text  # the rounding the explanation uses
    shoe = make_finding(load_codes.SHOE_OVER_LIMIT, Severity.MODERATE, "Shoe", "", measured=1035.4949,
                        threshold=700.0, unit="km", rule="load.shoe.alert_km")
    assert _measured_text(shoe) == "1035 km (guide 700 km, bench data, Cook 1985; not injury-based)"


def test_the_overstride_explanation_and_the_summary_show_one_value():
    from kneeguard.gait.findings import gait_findings
    from kneeguard.report.measured import measured_text as _measured_text

    found = next(f for f in gait_findings({"overstride_pct_leg": 17.5327, "cadence_spm": 168.0}, "side")
                 if f.code == "gait.overstride")
    shown = _measured_text(found).split(" %")[0]
    assert f"heel is {shown} % of your leg length" in found.explanation


def test_a_threshold_source_must_be_one_of_the_rules_citations():
    for rule in evidence.all_rules().values():
        if rule.threshold_from:
            assert rule.threshold_source is not None and rule.threshold_source.key == rule.threshold_from
    assert evidence.rule("gait.overstride.warn_pct_leg").threshold_injury_evidence is False
    assert evidence.rule("load.spike.small").threshold_injury_evidence is True


# 6 -------------------------------------------------------------------------------------------------------


def _gait_assessment(codes, answers=None, **kw) -> str:
    advice = footwear_advice([], codes, None, answers or {}, **kw)
    return next(r for r in advice if r.domain == "gait_assessment").text


def test_the_gait_assessment_says_which_reason_applies_and_follows_the_triage_timing():
    text = _gait_assessment(["gait.asymmetry"], review_date=dt.date(2026, 12, 6))
    assert "worth it now" not in text and " or pain that is not improving" not in text
    assert "if the pain is not improving by your review date (2026-12-06)" in text
    assert "left/right difference" in text and "doubtful" not in text
    booked = _gait_assessment(["gait.asymmetry"], review_date=dt.date(2026, 12, 6), professional_booked=True)
    assert "at the visit this plan asks you to book" in booked


def test_the_plan_words_the_assessment_with_the_triages_review_date(plan):
    review = plan.banner.review_date
    text = next(r for r in plan.footwear if r.domain == "gait_assessment").text
    assert review is not None and f"not improving by your review date ({review.isoformat()})" in text


# 7 -------------------------------------------------------------------------------------------------------


def test_counted_nouns_are_proper_plurals():
    from kneeguard.numbers import counted

    assert counted(1, "week") == "1 week" and counted(2, "week") == "2 weeks" and counted(1.5, "week") == "1.5 weeks"


def test_a_single_active_week_reads_week_not_weeks():
    import dataclasses

    from tests.advice_support import demo_advice

    first = demo_advice()[1].strength[0]
    weeks = len(first.weekly)
    one = dataclasses.replace(first, active=[False] * (weeks - 1) + [True])
    one.restage()
    assert f"(week {weeks})" in one.starting_dose_text()
    two = dataclasses.replace(first, active=[True, True] + [False] * (weeks - 2))
    two.restage()
    assert "(weeks 1, 2)" in two.starting_dose_text()


def test_the_onset_estimate_has_no_week_s():
    from kneeguard.advice.load_reference import estimate_pain_onset

    for weeks, words in ((2, "2 weeks before"), (1, "1 week before")):
        onset = estimate_pain_onset([checkin(AS_OF, duration_weeks=weeks)])
        assert onset is not None and "week(s)" not in onset.how and words in onset.how


def test_the_runners_footwear_text_has_no_statistics_and_one_pair_changes_gradually(plan):
    texts = " ".join(r.text for r in plan.footwear)
    assert "HR " not in texts and "RR " not in texts and "0.614" not in texts and "0.72" not in texts
    assert evidence.rule("load.shoe.rotation_hr").citations  # the numbers stay with their citation
    replace = next(r for r in plan.footwear if r.title.startswith("Consider replacing"))
    assert "not in the same weeks as the step-rate change" in replace.text
    alone = footwear_advice([ShoeStatus(1, "Old", 900.0, 700.0)], [], None, {})
    assert "Bring the new pair in gradually" in alone[0].text and "step-rate" not in alone[0].text
    # read 50: a plan that walks only gave "a few shorter runs first" as if running went on
    walking = footwear_advice([ShoeStatus(1, "Old", 900.0, 700.0)], [], None, {}, walking_only=True)
    shoes = [r for r in walking if r.domain == "footwear"]
    assert shoes and all(r.text.startswith("For when you run again (nothing to change for the walks): ")
                         for r in shoes)
    assert not any(r.text.startswith("For when") for r in walking if r.domain != "footwear")


def test_a_leg_length_difference_needs_no_action():
    found = next(f for f in selftest_findings({"leg_length_diff_cm": 0.5}) if "leg_length" in f.code)
    assert "before trying heel lifts" not in found.uncertain and "no action needed" in found.uncertain


def _worse_checkin_plan():
    """The demo runner two weeks later, no better: 6/10 during runs, 4/10 next morning (routine, walking only)."""
    from kneeguard.advice import advise
    from kneeguard.sample.history import DEMO_END

    return advise(_worse_checkin_context(DEMO_END), weeks=6)


def _worse_checkin_context(as_of: dt.date, gait=None):
    """The context of `_worse_checkin_plan` (its check-in on the demo's last day), read on `as_of`; `gait`: a gait
    summary to add (the demo has none)."""
    import json

    from kneeguard.advice import make_context
    from kneeguard.clinic import assess
    from kneeguard.sample import sample_checkin
    from kneeguard.sample.history import DEMO_END, demo_plan
    from tests.advice_support import checkin, runs_frame

    latest = {**json.loads(sample_checkin().read_text(encoding="utf-8")), "pain_during_run": 6, "pain_next_morning": 4}
    first = checkin(DEMO_END - dt.timedelta(days=7), **{**latest, "pain_during_run": 4, "pain_next_morning": 2})
    runs = [(r.day, r.km) for r in demo_plan()]
    last = assess(latest, history=[first.record], today=DEMO_END)
    return make_context("demo runner", as_of, activities=runs_frame(runs), checkin=last, checkin_history=[first],
                        gait=gait)


def test_a_walking_only_plan_does_not_say_keep_running_nor_schedule_metronome_minutes():
    """A physiotherapist's read: 'keep running and exercise at this level' beside 'Walk only', and a metronome
    schedule of 10-30 min a week in a plan with no runs."""
    plan = _worse_checkin_plan()
    assert plan.pain.limits_running and not any(s.kind == "run" for s in plan.days)
    assert not any("keep running" in r for r in plan.pain.reasons), plan.pain.reasons
    if plan.gait.active:
        assert plan.gait.summary.startswith("On hold in this plan (no continuous runs yet)")


def test_a_walking_only_plan_states_one_rule_for_running_again_and_has_no_run_warm_up_nor_add_load():
    """A physiotherapist's read of the plan after a worse check-in: three differently worded rules for when to
    run again ('until the pain settles', 'until a professional has seen the knee', 'after your next check-in'),
    'warm-up before every run' and 'add load when you can do more' in a plan of walks with every dose held."""
    from kneeguard import evidence
    from kneeguard.pain_rule import resume_running_condition

    plan = _worse_checkin_plan()
    rule = resume_running_condition()  # the plan says "walking only until <it>; then walk/run step 1"
    # read 45: the check-in's 5/10 beside the walks' 2/10 read as two limits for the same walks: it is running's
    assert rule.endswith("a new check-in shows your pain within running's limits (5/10 or less in activity, back to "
                         "2/10 or less by the next morning)") and rule.startswith("2 walks in a row stay at 2/10 or less")
    walks = [s for s in plan.days if s.kind == "walk"]
    assert walks and all(rule in s.details for s in walks)
    assert rule in plan.running.summary
    assert any("the running plan says when walk/run can start" in r for r in plan.pain.reasons)  # said once, there
    assert not any(rule in r for r in plan.pain.reasons)
    assert "until the pain settles" not in plan.running.summary
    assert not plan.running.includes_running and plan.warmup == []
    held = evidence.value("advice.dose.heavy_slow_loading_held")
    loads = {p.loading for p in plan.strength if p.loading}
    assert loads == {held} and "add" not in held.lower()
    assert all("add weight" not in s.details for s in plan.days if s.kind == "strength")


def test_a_professional_gait_assessment_names_the_left_right_differences_it_is_for():
    """A physiotherapist's read: 'your video shows a left/right difference' named nothing found elsewhere."""
    from kneeguard.advice.footwear import _named
    from kneeguard.gait import codes as gait_codes
    from kneeguard.gait.findings import asymmetry
    from kneeguard.gait.metrics import REGISTRY
    from kneeguard.gait.summary import GaitSummary
    from kneeguard.text import listed

    flagged = [m for m in REGISTRY.values() if m.flag_asymmetry][:2]
    found = asymmetry({m.name: 50.0 for m in flagged}, "side")
    words = _named(gait_codes.ASYMMETRY, "a left/right difference", GaitSummary(findings=found, quality=0.9, n_steps=30))
    assert words == "a left/right difference in " + listed([m.label for m in flagged])
    assert _named(gait_codes.ASYMMETRY, "a left/right difference", None) == "a left/right difference"
    assert listed(["a"]) == "a" and listed(["a", "b"]) == "a and b" and listed(["a", "b", "c"]) == "a, b and c"


def test_findings_about_the_pain_itself_are_not_contributing_factors():
    """A physiotherapist's read: 'Next-morning pain above your baseline' led the factors after a worse check-in;
    it is the pain the rule acts on, not a cause."""
    plan = _worse_checkin_plan()
    assert not any(f.code.startswith("clinic.morning_pain_above_baseline") for f in plan.top_factors)


def test_the_weekly_exercise_time_is_said_without_jargon():
    """A physiotherapist's read: 'Strength and mobility: 80 min a week (budget 120 min)' - 'budget' to a patient."""
    words = _worse_checkin_plan().exercise_minutes_words
    assert "budget" not in words and "at most" in words, words


def test_while_walking_only_the_exercises_keep_to_the_walks_limit():
    """A physiotherapist (read 34): 'pain up to 5/10 is acceptable' for a calf raise beside walks held to 2/10 in a
    flare: an exercise may not hurt more than a walk is allowed to."""
    from kneeguard import pain_rule

    plan = _worse_checkin_plan()
    assert plan.running.mode == "walk" and plan.exercise_pain_words == pain_rule.walking_only_exercise_words()
    assert f"pain {pain_rule.safe_max():g}/10 or less during them" in plan.exercise_pain_words
    # read 40: the walking-only rule opens with its own 2/10, before the 5/10 of running, in every session
    opening = pain_rule.walking_only_exercise_words(with_walks=True)
    assert plan.pain_rule_words.startswith(opening + " The next morning: back to 2/10 or less, keep to the walks as "
                                           "set (walk/run starts only as the running plan says)")
    assert "the plan moves on" not in plan.pain_rule_words  # read 44: no meaning in a walking week
    assert "Once you run again: during a run or exercise, pain up to 5/10 is acceptable" in plan.pain_rule_words
    assert plan.pain_rule_words.index("2/10") < plan.pain_rule_words.index("5/10")
    # read 41: the step-back levels of a plan that runs did not apply to a walking week: left to that plan
    assert "Step back one level" not in plan.pain_rule_words and "Step back one level" in pain_rule.describe()
    # read 42: "the next morning no worse ...; above it, end the walk there": a walk cannot end the next morning
    assert ("above 2/10, increase nothing, and if it is worse than the morning before, make the next walk shorter "
            "and the exercises lighter.") in plan.pain_rule_words
    # read 42: "if a walk goes above 5/10, see one sooner" said no action
    assert "if a walk goes above 5/10, stop the planned walks and contact one to be seen before then" in \
        plan.running.summary
    days = [s for s in plan.days if s.kind in ("strength", "mobility", "walk")]
    assert days and all(s.pain_rule == f"Pain rule: {plan.pain_rule_words}" for s in days)
    from tests.advice_support import demo_advice

    _, building, _ = demo_advice()  # a plan that runs: the pain rule's own limits
    assert building.exercise_pain_words == "" and building.pain_rule_words == pain_rule.describe()
    assert not any(opening in s.pain_rule for s in building.days)


def test_at_walking_only_an_unsettled_morning_says_what_to_do_not_a_level_that_is_not_there():
    """Read 37: 'a next morning of 4/10 or more steps back one level' to someone already walking only."""
    from kneeguard import pain_rule

    plan = _worse_checkin_plan()
    words = plan.usual_morning_words
    assert "steps back one level" not in words and "while you walk only" in words.lower()
    # read 41: "if it stays there" had no time frame: the re-check, or a further rise by the rule's own change
    # read 45: the rise as a score (today's 4/10 + the rule's 2 points), not 'by 2 points' from an unnamed base
    # read 47: how and when to be seen
    assert "if it is still 4/10 or more at your re-check, or reaches 6/10 before it, phone a physiotherapist or " \
           "sports doctor that day and ask to be seen within a few days." in words
    # read 38: a limit she had already reached; read 40: with the amounts the schedule has; read 49: one
    # shortening rule for the week already shortened (three sentences had overlapped)
    assert ("; it is 4/10 now, so this week's walks are 15 min (half the walking phase's usual 30) and the exercises a "
            "set fewer (the doses below). While you walk only, shorten a walk further only if a morning is worse than "
            "the one before; ") in words
    assert words.count("shorter walks") == 0
    walks = [s for s in plan.days if s.kind == "walk"]
    assert walks and all(s.duration_min == 15 and "15 min, not the usual 30" in s.details for s in walks)
    assert plan.running.brief.startswith("Walking only, 15 min 3x/week (halved from 30: morning 4/10)")
    assert plan.pain.step_back and all(p.stepped_back for p in plan.strength)  # 'a set fewer' is the plan's dose
    assert "steps back one level" in pain_rule.usual_morning_words(1.5, ())  # a plan that runs keeps its levels
    # the rule itself says the exercises' limit of a walking-only spell, for plans that may reach one (read 37)
    assert f"walking only (the exercises then kept to {pain_rule.safe_max():g}/10 too)" in pain_rule.describe()


def test_a_profile_conflict_says_the_running_plan_comes_from_the_profiles_data():
    from kneeguard.advice.context import profile_conflict_words

    words = profile_conflict_words(["sex male (profile: female)"])
    assert "load factors, running distances, step rate and shoes come from this profile's runs, video and shoes" in words
    assert "until then running returns by walk/run phases, which do not depend on those runs" in words
    # read 43: the level and the walk/run return rest on the check-in too, not only the exercises
    assert words.endswith("If you did not fill in this check-in, do a new one before following any of this plan, "
                          "running included")
    assert profile_conflict_words([]) == ""


def test_a_walk_run_returns_metronome_weeks_count_from_its_first_continuous_runs():
    """Read 43: a walk/run return reaching continuous runs in week 3 put week 3's 30 metronome minutes on them, while
    its words said 10 min in week 1; and 'Walk/run: Walk 2 / run 3 x 4' read as ambiguous."""
    ctx = make_context("returning runner", AS_OF, gait=gait_summary(168.0, codes=("gait.overstride",)),
                       checkin=checkin(pain_during_run=3, pain_next_morning=1, side="right"))
    plan = advise(ctx, weeks=6)
    assert plan.running.mode == "return_to_run" and plan.gait.active
    minutes = evidence.value("advice.gait.metronome_minutes")
    continuous = [s for s in plan.days if s.kind == "walk_run" and s.phase.startswith("Continuous")]
    first_week = (continuous[0].date - plan.start).days // 7
    assert first_week > 0  # the case the read found: continuous running starts after week 1
    with_metronome = [s for s in continuous if s.metronome_min]
    assert with_metronome[0].metronome_min == minutes[0] and with_metronome[-1].metronome_min == minutes[-1]
    assert "in the first week of continuous running" in plan.gait.summary and "in week 1" not in plan.gait.summary
    steps = [s.title for s in plan.days if s.kind == "walk_run" and not s.phase.startswith("Continuous")]
    assert steps[0] == "Walk/run: 4 x (walk 2 min + run 3 min)"


def test_the_weeks_ahead_name_a_walk_run_weeks_sessions(monkeypatch):
    """Read 43: 'walk/run, by minutes' in weeks 3-6 hid the continuous runs the calendar had."""
    ctx = make_context("returning runner", AS_OF, checkin=checkin(pain_during_run=3, pain_next_morning=1))
    plan = advise(ctx, weeks=6)
    later = plan.week_summaries[-1]
    assert later.km == 0 and later.by_minutes == "Continuous easy 30 min"
    # read 47: a week of two session kinds says which day has which
    mixed = next(w for w in plan.week_summaries if len({title for _, title in w.sessions_without_km}) > 1)
    assert mixed.by_minutes.count(": ") >= 2 and all(
        f"{day:%a}" in mixed.by_minutes.split(title)[0] for day, title in mixed.sessions_without_km)
    printed = " ".join(_printed(plan, monkeypatch).split())
    assert "km or sessions" in printed and "by minutes" not in printed


def test_a_walk_run_returns_warm_up_does_not_add_a_jog():
    """Read 45: 'Warm-up: brisk walk, easy jog, leg swings, before every run' added uncounted running to a walk/run."""
    plan = advise(make_context("returning runner", AS_OF, checkin=checkin(pain_during_run=3, pain_next_morning=1)))
    assert plan.running.mode == "return_to_run" and plan.warmup
    assert all("walk only (no jog) until the continuous runs start" in p.why for p in plan.warmup)
