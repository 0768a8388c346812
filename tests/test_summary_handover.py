"""A physiotherapist's read of the worse week's two-page summary (read 8): what she could not hand over unchanged.

B1: 'last run 15 days before it' beside '0 weeks of running less' read as a contradiction: the data gap is said.
B2: the newest check-in dates the pain a week later than the kept onset, which makes a run before that date a
possible trigger. B4: knee-to-wall sides shown side by side. B5: the Running row's cap until the visit and the
exercises left to the physiotherapist. B6: the gait row's headline numbers.
"""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from kneeguard.clinic import assess
from kneeguard.clinic.episode import estimate_pain_onset
from kneeguard.report.presenting import missing_runs_words
from kneeguard.report.summary import plan_overview
from tests.worse_week_support import WORSE, TODAY


# ---------------------------------------------------------------- B1: the data gap
def test_a_run_gap_beside_no_running_less_is_said_as_a_possible_import_gap():
    checkin = assess(WORSE, today=TODAY)
    assert checkin.answers["reduced_load_weeks"] == 0 and isinstance(checkin.answers["pain_during_run"], int)
    assert missing_runs_words(checkin, dt.date(2026, 11, 22)) == "runs since 22 Nov may be missing from the import"
    assert missing_runs_words(checkin, TODAY - dt.timedelta(days=6)) == ""  # under a whole week: no gap to say
    assert missing_runs_words(checkin, None) == "" and missing_runs_words(None, TODAY) == ""
    # running less is not stopping (read 13: a runner who ran less for a week still reported a run's pain)
    ran_less = assess({**WORSE, "reduced_load_weeks": 1}, today=TODAY)
    assert missing_runs_words(ran_less, dt.date(2026, 11, 22)) == "runs since 22 Nov may be missing from the import"
    said_so = assess({**WORSE, "last_run_days_ago": 15}, today=TODAY)  # her own answer agrees with the import
    assert missing_runs_words(said_so, dt.date(2026, 11, 22)) == ""


def test_the_report_says_the_gap_once_in_the_activities_row():
    from kneeguard.advice import make_context
    from kneeguard.report import build_report
    from tests.advice_support import runs_frame

    runs = [(TODAY - dt.timedelta(days=d), 8.0) for d in range(15, 60, 3)]
    doc = build_report(make_context("r", TODAY, activities=runs_frame(runs), checkin=assess(WORSE, today=TODAY)))
    rows = {s["name"]: s["detail"] for s in doc.sources}
    assert "may be missing from the import (check-in: not running less)" in rows["Activities"]
    assert "missing from the import" not in rows["Check-in"]
    # read 21: "1 weeks running less"
    one = build_report(make_context("r", TODAY, activities=runs_frame(runs),
                                    checkin=assess({**WORSE, "reduced_load_weeks": 1}, today=TODAY)))
    assert "(check-in: 1 week running less)" in {s["name"]: s["detail"] for s in one.sources}["Activities"]


# ---------------------------------------------------------------- B2: a later onset, possible or not
# Read 8 asked for a run between the kept onset and the newest answer's later date to be named a possible
# trigger; read 9 withdrew it where an earlier check-in had already reported the pain before that later date.
def _said(on: dt.date, weeks: float) -> SimpleNamespace:
    return SimpleNamespace(on_date=on, answers={"has_pain": True, "duration_weeks": weeks})


def test_a_later_onset_after_a_check_in_that_already_reported_the_pain_is_a_conflict_not_a_reading():
    onset = estimate_pain_onset([_said(dt.date(2026, 11, 15), 2), _said(TODAY, 3)])
    assert onset.day == dt.date(2026, 11, 1) and onset.dated_from == dt.date(2026, 11, 15)
    assert onset.later_day == dt.date(2026, 11, 16) and onset.later_from == TODAY and not onset.later_possible
    assert "but your check-in of 15 Nov 2026 already reported this pain: the earlier date is kept" in onset.how
    assert onset.conflict_words() == "the 07 Dec answer (3 weeks) conflicts with it"
    agreeing = estimate_pain_onset([_said(dt.date(2026, 11, 15), 2), _said(TODAY, 5)])
    assert agreeing.later_day is None and agreeing.conflict_words() == ""


def _spike(on: dt.date):
    from kneeguard.findings import Finding, Severity

    return Finding("load.spike", Severity.MODERATE, "Run 42 % longer than your recent longest", "",
                   domain="load", on_date=on)


def test_the_worse_weeks_run_after_the_onset_is_never_called_a_trigger():
    from kneeguard.advice.factors import later_onset_words, onset_source_words, rank_factors

    onset = estimate_pain_onset([_said(dt.date(2026, 11, 15), 2), _said(TODAY, 3)])
    factors = rank_factors([_spike(dt.date(2026, 11, 15))], onset.day, pain_onset=onset)
    assert [f.possible_trigger for f in factors] == [False] and later_onset_words(factors) == ""
    assert onset_source_words(factors) == "by your 15 Nov check-in; the 07 Dec answer (3 weeks) conflicts with it"


def test_a_later_onset_before_any_check_in_reported_the_pain_makes_a_possible_trigger():
    from kneeguard.advice.factors import later_onset_words, rank_factors

    onset = estimate_pain_onset([_said(dt.date(2026, 11, 15), 4), _said(TODAY, 5)])  # 18 Oct or 02 Nov
    assert onset.later_day == dt.date(2026, 11, 2) and onset.later_possible
    factors = rank_factors([_spike(dt.date(2026, 11, 1))], onset.day, pain_onset=onset)
    assert later_onset_words(factors) == ("Your 07 Dec check-in gives onset 02 Nov, the day after it: "
                                          "by that date, a possible trigger.")
    assert later_onset_words(rank_factors([_spike(dt.date(2026, 11, 5))], onset.day, pain_onset=onset)) == ""


# ---------------------------------------------------------------- B4: knee-to-wall side by side
def test_knee_to_wall_shows_both_sides_without_judging_the_difference():
    from kneeguard.clinic.findings import selftest_findings

    findings = [f for f in selftest_findings(assess(WORSE, today=TODAY).answers) if "knee_to_wall" in f.code]
    assert findings and all("Left 11 cm, right 8 cm" in f.explanation for f in findings)
    assert all("shown, not judged" in f.explanation for f in findings)


# ---------------------------------------------------------------- B5: the Running row's cap, held-back exercises
def test_the_plan_rows_say_the_cap_until_the_visit_and_what_is_left_to_the_physiotherapist():
    plan = {"available": True, "running_brief": "Walking only until 2 walks stay at 2/10.", "weeks": [],
            "cap": "walk/run stays at its first step until a professional has seen the knee",
            "strength": [{"name": "Isometric hamstring hold (bridge hold, heel on a step)"}],
            "held_back": ["Slow hamstring curl (single leg, band or machine)", "Nordic hamstring lowers"],
            "footwear": [{"name": "Consider replacing 'Daily trainer (old)'"}]}
    rows = {r.area: r.what for r in plan_overview(plan, None)}
    assert rows["Running"].endswith("Walk/run stays at its first step until a professional has seen the knee.")
    assert rows["Strength"] == ("Isometric hamstring hold. Not started yet (a re-check or the physiotherapist starts "
                                "them): Slow hamstring curl and Nordic hamstring lowers.")
    assert "'Daily trainer (old)'" in rows["Footwear"]  # a shoe's own name keeps its brackets


def test_the_worse_weeks_plan_carries_the_cap_and_the_held_back_exercises():
    from kneeguard.advice.pain import pain_state
    from kneeguard.advice.programme import AFTER_VISIT
    from tests.test_plan_wording import _worse_checkin_plan

    plan = _worse_checkin_plan()
    assert plan.pain.cap == "walk/run stays at its first step until a professional has seen the knee"
    from kneeguard.advice.programme import SOURCE_STRETCH

    # routine: only the physiotherapist starts them (read 51), and the summary says so
    assert plan.held_back == [x.name for x in plan.left_out if x.reason in (AFTER_VISIT, SOURCE_STRETCH)]
    assert plan.held_back and plan.held_back_starter == "the physiotherapist starts them"
    assert pain_state(None, []).cap == ""  # no check-in, no visit booked: no cap


def test_the_summary_gives_the_answers_that_set_the_level_without_the_hints_to_the_person_answering():
    checkin = assess(WORSE, today=TODAY)
    from kneeguard.clinic.engine import answer_in_words

    brief = [answer_in_words(q, a, brief=True) for q, a in checkin.driving_answers.items()]
    assert "Worst pain during your last run: 6/10" in brief and "Pain the next morning: 4/10" in brief
    # 0 weeks of running less did not set it (read 51: only the branches of an "any" that held are listed)
    assert not any(a.startswith("For how many weeks have you run less") for a in brief)
    assert not any("(0" in a or "skip if" in a for a in brief)
    assert any("(0-10" in a for a in checkin.driving_answers_words())  # the runner's own words keep the hints


# ---------------------------------------------------------------- read 9, C4: the doses in the summary
def test_the_summary_strength_row_gives_each_exercises_first_dose_in_shorthand():
    from kneeguard.report.document import References
    from kneeguard.report.plan import build_plan
    from tests.test_plan_wording import _worse_checkin_plan

    plan = _worse_checkin_plan()
    calf = next(p for p in plan.strength if p.exercise.key == "calf_raise_straight")
    assert calf.brief_dose() == "2 x 15 each leg at a 15-rep max (right: body weight), 3x/week"
    rows = {r.area: r.what for r in plan_overview(build_plan(plan, References()), None)}
    assert "Standing calf raises, straight knee 2 x 15 each leg at a 15-rep max (right: body weight)" in rows["Strength"]
    assert "Isometric hamstring hold 4 x 45 s each leg (~70 % effort, hips down)" in rows["Strength"]
    assert "; all 3x/week." in rows["Strength"]  # the sessions a week said once when every exercise shares them
    # a hamstring tendon may be the source: its stretch is the physiotherapist's (read 34)
    assert "Mobility:" not in rows["Strength"] and "Not started yet (the physiotherapist starts them): " in rows["Strength"]
    assert "Exercise pain 2/10 or less while walking only." in rows["Strength"]  # the walks' limit (read 34)
    # the next morning (4/10) steps back: the walks are halved (advice.rtr.walk_fraction_unsettled, read 40)
    assert rows["Running"].startswith("Walking only, 15 min 3x/week (halved from 30: morning 4/10), flat")


# ---------------------------------------------------------------- read 9: the walks' limit against the rest pain
def test_the_walks_limit_is_said_against_the_pain_at_rest_when_it_already_reaches_it():
    from kneeguard.advice.return_to_run import rest_floor_words
    from tests.test_plan_wording import _worse_checkin_plan

    assert rest_floor_words(None) == "" and rest_floor_words(1) == ""
    assert rest_floor_words(2) == " Your pain at rest is already 2/10: a walk should not raise it at all."
    assert "is already above the walks' 2/10" in rest_floor_words(3) and "see a professional then" in rest_floor_words(3)
    plan = _worse_checkin_plan()  # her pain at rest is 2/10 in the demo's sample check-in
    assert plan.pain.at_rest == 2 and plan.running.summary.endswith(rest_floor_words(2).strip())


def test_a_weekly_jump_names_the_two_weeks_distances_in_its_title():
    import pandas as pd

    from kneeguard.load.findings import weekly_jump_finding

    weekly = pd.DataFrame({"iso_week": ["2026-W44", "2026-W45"], "week_end": pd.to_datetime(["2026-11-01", "2026-11-08"]),
                           "complete": [True, True], "distance_km": [36.0, 50.4], "change_pct": [5.0, 40.0]})
    f = weekly_jump_finding(weekly, dt.date(2026, 11, 22))
    assert f.title == "Weekly distance up 40 % (36.0 to 50.4 km)" and f.measured == 40.0
    # the week named by its last day, as the plan names it, not '2026-W45' (a physiotherapist's read)
    assert f.explanation.startswith("In the week to 08 Nov 2026 you ran 50.4 km"), f.explanation


def test_the_answers_that_set_the_level_leave_the_check_in_rows_values_to_it():
    """Each value once on the page: the duration and pain scores are the Check-in row's (presenting complaint)."""
    from kneeguard.report.presenting import driving_beyond_presenting, presenting_complaint

    checkin = assess(WORSE, today=TODAY)
    kept, in_row = driving_beyond_presenting(checkin)
    assert in_row and "pain 6/10 in runs, 4/10 next morning, 2/10 now" in presenting_complaint(checkin)
    assert not any(a.startswith(("Worst pain", "Pain the next morning", "Pain right now", "How many weeks")) for a in kept)
    assert kept == ["Over the last week or two it is getting...: About the same"]  # read 51: what set it, only


def test_the_summarys_load_chart_shows_the_recent_weeks_wide_and_low_with_the_onset():
    """A physiotherapist could not read the summary's printed thumbnail of the 26-week plot: the summary draws
    the last weeks as labelled bars (the load report's own weekly km), wide and low like the pain trend."""
    import base64
    import io

    import pandas as pd
    from PIL import Image

    from kneeguard.report.summary_charts import SUMMARY_WEEKS, recent_weeks, summary_load_chart

    mondays = pd.date_range("2026-08-03", periods=16, freq="7D")
    weekly = pd.DataFrame({"distance_km": [10.0] * 8 + [28.4, 36.0, 50.6, 56.2, 52.5, 0.0, 0.0, 0.0]}, index=mondays)
    runs = pd.DataFrame({"date": []})  # no run judged: every bar in the no-spike colour
    report = SimpleNamespace(weekly=weekly, runs=runs)
    shown = recent_weeks(report)
    assert SUMMARY_WEEKS == 12 and list(shown["distance_km"]) == list(weekly["distance_km"].iloc[-12:])
    chart = summary_load_chart(report, dt.date(2026, 11, 1))
    width, height = Image.open(io.BytesIO(base64.b64decode(chart.src.split(",", 1)[1]))).size
    assert width / height >= 3 and "Weeks dated by their Sunday" in chart.caption
    assert recent_weeks(SimpleNamespace(weekly=weekly.iloc[:0])) is None


# ---------------------------------------------------------------- read 10, D1: a streak mostly in pain
def test_a_streak_that_began_just_before_the_pain_may_have_kept_it_going_but_did_not_start_it():
    from kneeguard.advice.factors import happened_after, rank_factors
    from kneeguard.findings import Finding, Severity

    def streak(first: dt.date, last: dt.date) -> Finding:
        days = (last - first).days + 1
        return Finding("load.no_rest", Severity.LOW, f"{days} days in a row without a rest day", "", domain="load",
                       measured=days, threshold=14, unit="days", on_date=last, details={"first_day": first.isoformat()})

    onset = dt.date(2026, 11, 1)
    mostly_after = streak(dt.date(2026, 10, 31), dt.date(2026, 11, 22))  # 1 day before the onset, 22 after
    assert happened_after(mostly_after, onset)
    [factor] = rank_factors([mostly_after], onset)
    assert not factor.is_cause and factor.when == "from 31 Oct to 22 Nov 2026" and factor.when_short == "31 Oct to 22 Nov"
    flagged_before = streak(dt.date(2026, 10, 10), dt.date(2026, 11, 5))  # 22 days before the onset: its own flag
    assert not happened_after(flagged_before, onset) and rank_factors([flagged_before], onset)[0].is_cause


def test_the_summary_groups_uncertain_findings_by_why_and_leaves_what_to_do_to_the_full_report():
    from kneeguard.findings import Finding, Severity, uncertain_groups

    legs = Finding("clinic.leg_length", Severity.INFO, "Leg-length difference", "", domain="clinic",
                   uncertain="no sourced norm, so not judged; no action needed (no heel lifts)")
    plank = Finding("clinic.plank", Severity.INFO, "Plank holds", "", domain="clinic",
                    uncertain="no sourced norm, so not judged; re-test the same way after a few weeks")
    assert len(uncertain_groups([legs, plank])) == 2
    assert uncertain_groups([legs, plank], brief=True) == {"no sourced norm, so not judged": ["Leg-length difference",
                                                                                              "Plank holds"]}


def test_a_run_on_the_day_the_pain_began_says_so():
    """Read 10: 'Run 20 % longer than your recent longest' was the onset day's run, unsaid."""
    from kneeguard.advice.factors import ONSET_DAY, rank_factors
    from kneeguard.findings import Finding, Severity

    onset = dt.date(2026, 11, 1)
    run = Finding("load.spike", Severity.LOW, "Run 20 % longer than your recent longest", "", domain="load",
                  on_date=onset)
    [factor] = rank_factors([run], onset)
    assert factor.is_cause and factor.titled == f"Run 20 % longer than your recent longest ({ONSET_DAY})"
    week = Finding("load.weekly_jump", Severity.LOW, "Weekly distance up 40 %", "", domain="load", on_date=onset)
    assert rank_factors([week], onset)[0].titled == "Weekly distance up 40 %"  # a week ending that day: not said
    earlier = Finding("load.spike", Severity.LOW, "Run", "", domain="load", on_date=onset - dt.timedelta(days=3))
    assert rank_factors([earlier], onset)[0].titled == "Run"


# ---------------------------------------------------------------- read 11, E1: the overstride row
def test_a_gait_flag_on_a_design_band_is_shown_low_and_marked_when_filmed_after_the_onset():
    """'moderate' below three 'low' rows, no number, and a video filmed after the pain began without a word."""
    from kneeguard import evidence
    from kneeguard.advice.factors import FACTOR_MARKS, FILMED_IN_PAIN, rank_factors
    from kneeguard.findings import Finding, Severity
    from kneeguard.report.measured import measured_text

    band = evidence.rule("gait.overstride.warn_pct_leg")
    assert not band.threshold_injury_evidence
    overstride = Finding("gait.overstride", Severity.MODERATE, "Your foot lands well ahead of your hip", "",
                         domain="gait", measured=18.0, threshold=8.0, unit="% leg length", rule=band)
    onset = dt.date(2026, 11, 1)
    [factor] = rank_factors([overstride], onset, filmed_on=dt.date(2026, 11, 20))
    # capped where the finding is made, so the gait page, the factors and the report show one severity
    assert factor.finding.severity is Severity.LOW and factor.severity is Severity.LOW
    assert factor.filmed_in_pain and factor.marks == " †" and ("†", FILMED_IN_PAIN) in FACTOR_MARKS
    assert "not injury-based" in measured_text(factor.finding)  # the plan's measured column says so
    [before] = rank_factors([overstride], onset, filmed_on=dt.date(2026, 10, 20))
    assert not before.filmed_in_pain and before.marks == ""


def test_the_plan_command_explains_each_mark_once_below_the_factor_table(capsys):
    from kneeguard.advice import advise
    from kneeguard.advice.factors import FILMED_IN_PAIN, PAIN_LIMITED
    from kneeguard.cli.plan_cmd import show_plan
    from kneeguard.sample.history import DEMO_END
    from tests.advice_support import gait_summary
    from tests.test_plan_wording import _worse_checkin_context

    plan = advise(_worse_checkin_context(DEMO_END, gait=gait_summary(168.0, day=DEMO_END)), weeks=6)
    show_plan(plan)
    out = " ".join(capsys.readouterr().out.split())
    assert any(f.filmed_in_pain for f in plan.top_factors)
    assert out.count(f"† {FILMED_IN_PAIN}") == 1 and out.count(f"* {PAIN_LIMITED}") == 1


def test_a_sessions_reason_names_each_title_once():
    """A runner read 'Run 20 % longer than your recent longest' three times in a row in one day's reason."""
    from kneeguard.report.plan import _reason_text

    titles = {"load.spike.small": "Run 20 % longer", "load.spike.moderate": "Run 20 % longer", "x.y": "Other"}
    assert _reason_text(["load.spike.small", "load.spike.moderate", "x.y"], titles) == "Run 20 % longer; Other"


def test_the_source_markers_are_spelled_out_for_a_runner():
    """A runner could not follow '[NR]' and '[S]' on the check-in result; the report keeps the short form."""
    from kneeguard.evidence import marker_words

    assert marker_words("[S] healthhp.com.au: bridge") == "From a secondary summary: healthhp.com.au: bridge"
    assert marker_words("[NR] Cauda equina").startswith("Not checked against the original source: Cauda")
    assert marker_words("[S for the bands] Silbernagel KG") == "From a secondary summary (for the bands) Silbernagel KG"
    assert marker_words("Frandsen et al. 2025") == "Frandsen et al. 2025"


def test_a_short_unit_is_printed_beside_its_value_and_a_long_one_is_left_to_the_text():
    """Read 12: the heel-raise difference lost its unit ('measured 7  threshold 6') when it became 'reps apart'."""
    from kneeguard.cli.render import _value
    from kneeguard.numbers import shown_unit

    assert _value(7, "reps apart") == "7 reps apart" and _value(18.0, "% leg length") == "18 % leg length"
    assert shown_unit("fraction of stride") == "" and shown_unit(None) == ""


# ---------------------------------------------------------------- read 13: a self-care runner, inner back of the knee
def test_the_medial_gastrocnemius_is_not_marked_less_likely_at_the_inner_back_of_the_knee():
    """'Medial gastrocnemius ... less likely where you feel it' for pain at the inner back: the medial head arises
    there (evidence notes: posterior, at or just below the joint line)."""
    from kneeguard.clinic.causes import possible_causes

    answers = {**WORSE, "location": ["posteromedial"], "aggravators": ["uphill", "push_off"]}
    gastro = next(c for c in possible_causes(answers) if c["id"] == "gastrocnemius")
    assert not gastro["site_note"]
    # read 47: "the medial head arises at its inner back" was anatomy words for a runner
    assert "pain behind the knee (the inner calf muscle starts just above it, on the inner side) or in the upper " \
           "calf" in gastro["why"] and not any("medial head" in why for why in gastro["why"])


def test_the_warning_signs_name_the_saddle_numbness_emergency_and_self_care_builds_back_gradually():
    from kneeguard import evidence
    from kneeguard.disclaimer import DISCLAIMER

    emergency = "numbness in the groin or buttocks, or new bladder or bowel problems"
    assert emergency in DISCLAIMER.split("go to an emergency department now", 1)[1].split("See a doctor today")[0]
    # one symptom, one timeline (read 14): the groin first, then numbness in the leg or foot alone
    assert DISCLAIMER.index(emergency) < DISCLAIMER.index("Numbness or tingling in the leg or foot alone")
    self_care = str(evidence.value("clinic.level.self_care"))
    assert "reduce running load" not in self_care and "build back up gradually, as your plan sets out" in self_care


def test_the_summary_lists_every_exercise_with_the_weeks_it_is_in():
    """Read 13: 'and 1 more (see the full report)' in a summary the clinician is told is enough, and no weeks."""
    from kneeguard.advice.exercises import _week_span

    assert _week_span([3, 4, 5, 6]) == "3-6" and _week_span([1, 2]) == "1, 2" and _week_span([2, 4]) == "2, 4"
    items = [{"name": f"Exercise {i} (set-up)", "brief_dose": "3 x 15", "brief_frequency": "3x/week"} for i in range(6)]
    rows = {r.area: r.what for r in plan_overview({"available": True, "weeks": [], "strength": items}, None)}
    assert "see the full report" not in rows["Strength"] and rows["Strength"].count("3 x 15") == 6


def test_the_activities_row_says_when_the_current_block_of_running_began():
    """Reads 13 and 14 took a range starting in 2013 (old files in the record) for an unset clock's date."""
    from kneeguard.report.presenting import running_since

    days = [dt.date(2013, 2, 6), dt.date(2015, 5, 1)] + [dt.date(2026, 9, 1) + dt.timedelta(days=2 * i) for i in range(40)]
    assert running_since(days, dt.date(2013, 2, 6)) == ("runs from 01 Sep 2026 on with no break of 14 days or more "
                                                        "(2 earlier dated runs, the first on 06 Feb 2013)")
    # reads 20-21 still took the range's 2013 start for the undated run: the one earlier run is dated
    assert running_since(days[1:], None).endswith("(1 earlier dated run, on 01 May 2015)")
    assert running_since(days[2:], None) == ""  # one block: the range says it


def test_the_pain_rule_says_which_reading_wins_and_what_usual_means():
    """Reads 13–15: an unsettled morning that is also a clear rise read as two instructions, and 'usual' undefined."""
    from kneeguard import pain_rule

    text = pain_rule.describe()
    assert "above 2/10, repeat this week and increase nothing. Step back one level instead when" in text
    assert "2 or more points above your usual next morning (the middle of your last few check-ins)" in text
    assert "the pain you check in with (at rest or in runs) is 2 or more points above a check-in of the last 2" in text
    assert "even within" not in text  # each rise names its pain: no clause that reads as a trigger on its own


def test_the_plan_gives_the_runners_usual_next_morning_as_a_number():
    """Read 17: 'your usual next morning (the middle of your last few check-ins)' is not a number he can see."""
    from kneeguard.pain_rule import morning_decision, usual_morning_words

    assert usual_morning_words(1) == ("Your usual next morning is 1/10 (the middle of your latest check-ins): a next "
                                      "morning of 3/10 or more steps back one level.")
    assert "(3/10 repeats the week)" in usual_morning_words(1.5) and usual_morning_words(None) == ""
    days = (dt.date(2026, 11, 15), dt.date(2026, 11, 22), TODAY)  # read 18: name the check-ins behind it
    assert "(the middle of your check-ins of 15 Nov, 22 Nov and 07 Dec)" in usual_morning_words(1, days)
    for usual in (0, 1, 1.5, 3, 5):  # the words' threshold is the rule's own decision, score by score
        step = int(usual_morning_words(usual).split("a next morning of ")[1].split("/10")[0])
        assert morning_decision(step, usual).name == "STEP_BACK" and morning_decision(step - 1, usual).name != "STEP_BACK"


def test_the_worse_weeks_plan_carries_her_usual_next_morning():
    from tests.test_plan_wording import _worse_checkin_plan

    # read 19: the usual is the one this check-in was measured against (her earlier check-in's 2/10), the number
    # the check-in's own words give, not raised by this week's 4/10 (read 18 had the flare in it: 3/10)
    plan = _worse_checkin_plan()
    assert plan.pain.usual_morning == 2 and len(plan.pain.usual_morning_from) == 1


def test_the_summary_names_the_plans_other_factors_with_their_values():
    """Read 20: three of the plan's five factors, with no word that two were left out (the reasons for the
    calf work and the step-rate change)."""
    from kneeguard.advice import advise
    from kneeguard.report.builder import build_report
    from kneeguard.sample.history import DEMO_END
    from tests.advice_support import gait_summary
    from tests.test_plan_wording import _worse_checkin_context

    # a video with two findings: more factors than the summary's three (her active knee extension, beyond a
    # young-adult cut-off only at 38, is no longer one of them: read 50)
    gait = gait_summary(168.0, codes=("gait.overstride", "gait.extended_knee_landing"), day=DEMO_END)
    context = _worse_checkin_context(DEMO_END, gait=gait)
    plan = advise(context, weeks=6)
    doc = build_report(context, plan)
    assert len(plan.top_factors) > len(doc.summary)
    for f in plan.top_factors[len(doc.summary):]:
        assert f.finding.title in doc.more_factors
    # a mark in the line is explained below the table, as a mark in the rows is
    explained = {mark for mark, _ in doc.mark_notes}
    assert ("†" in doc.more_factors) <= ("†" in explained) and ("*" in doc.more_factors) <= ("*" in explained)
    assert "*" in doc.more_factors  # the heel-raise difference, tested on her painful leg


def test_an_unticked_night_option_is_not_reported_rather_than_absent():
    from kneeguard.report.presenting import negatives_and_aggravators

    words = negatives_and_aggravators(assess(WORSE, today=TODAY).answers)
    assert words.endswith("; waking at night not ticked (when it hurts)") and "or night pain" not in words


def test_every_spike_colour_of_the_summary_chart_has_its_words():
    from kneeguard.load.bands import BAND_STYLE
    from kneeguard.report.summary_charts import COLOUR_WORDS, _band_words

    assert set(COLOUR_WORDS) == set(BAND_STYLE)
    words = _band_words(["none", "moderate", "small"])
    assert words == "colour: the week's biggest run over its 30-day longest, yellow 10-30 %, orange 30-100 %", words
