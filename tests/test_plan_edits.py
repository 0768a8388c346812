"""A clinician's plan edits (issue 12 scope 5): store API and validation, the engine applying them on
every regeneration (never raising a load), and the CLI, .ics and report showing who set them and when."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import typer
from icalendar import Calendar
from typer.testing import CliRunner

from kneeguard.advice import advise, gather_context, make_context
from kneeguard.advice.checkins import save_checkin
from kneeguard.advice.ics import build_calendar
from kneeguard.advice.overrides import DoseChange, OverrideKind as K, PlanOverride
from kneeguard.cli import plan_cmd
from kneeguard.clinic.history import CheckinRecord
from kneeguard.errors import InvalidInput, NotFound
from kneeguard.report.builder import build_report
from kneeguard.report.html import render_html
from kneeguard.store import athletes, open_store, plan_overrides
from tests.advice_support import AS_OF, BASE_ANSWERS, checkin, runs_frame

UTC = dt.timezone.utc
WHEN = dt.datetime(2025, 6, 29, 9, 30, tzinfo=UTC)
# Six weeks of four 8 km runs a week: the plan builds on about 32 km a week.
HISTORY = [(AS_OF - dt.timedelta(days=d), 8.0) for d in range(1, 43) if d % 7 in (1, 3, 4, 6)]
CALF_DEFICIT = {"heel_rise_left": 10, "pain_during_run": 2, "pain_next_morning": 1}


def _edit(kind: K, **params) -> PlanOverride:
    return PlanOverride(kind, "dr lee", created_at=WHEN, id=params.pop("id", 1), **params)


def _advice(*edits: PlanOverride, history=HISTORY, **answers):
    ctx = make_context("ana", AS_OF, activities=runs_frame(history), checkin=checkin(**{**CALF_DEFICIT, **answers}),
                       overrides=list(edits))
    return advise(ctx, weeks=4)


def _keys(advice) -> set[str]:
    return {p.exercise.key for p in advice.strength + advice.warmup + advice.flexibility}


def _in_sessions(advice, key: str) -> list:
    return [s for s in advice.days if any(e["key"] == key for e in s.exercises)]


def _week_km(advice, week: int) -> float:
    return sum(s.distance_km or 0 for s in advice.week(week) if s.is_running)


# ---------------------------------------------------------------- the engine
def test_plan_without_edits_is_unchanged():
    plain = _advice()
    assert plain.overrides == [] and plain.to_dict()["overrides"] == []


def test_remove_and_swap_an_exercise():
    plain = _advice()
    assert {"calf_raise_straight", "popliteus_rotation"} <= _keys(plain) and "hip_abduction" not in _keys(plain)
    a = _advice(_edit(K.REMOVE_EXERCISE, exercise="calf_raise_straight"),
                _edit(K.SWAP_EXERCISE, exercise="popliteus_rotation", new_exercise="hip_abduction", id=2))
    assert "calf_raise_straight" not in _keys(a) and not _in_sessions(a, "calf_raise_straight")
    assert "popliteus_rotation" not in _keys(a) and not _in_sessions(a, "popliteus_rotation")
    assert "hip_abduction" in _keys(a)
    abduction = next(p for p in a.strength if p.exercise.key == "hip_abduction")
    for week in range(a.weeks):  # the new exercise at its own sessions a week
        days = [s for s in _in_sessions(a, "hip_abduction") if s in a.week(week)]
        assert len(days) == abduction.dose_for_week(week).per_week
    assert all(o.applied for o in a.overrides)
    edited = _in_sessions(a, "hip_abduction")[0]
    assert "Clinician's edit" in edited.details and "dr lee" in edited.details
    assert all(s.exercises for s in a.days if s.kind in ("strength", "mobility"))  # no empty session left
    assert len({s.date for s in a.days}) == a.weeks * 7  # every day still has its entry


def test_dose_edit_sets_sets_reps_and_sessions_a_week():
    a = _advice(_edit(K.DOSE, exercise="seated_soleus_raise", dose=DoseChange.parse("2x10/2")))
    soleus = next(p for p in a.strength if p.exercise.key == "seated_soleus_raise")
    assert {(s.sets, s.reps, s.per_week) for s in soleus.weekly} == {(2, "10", 2)}
    for week in range(a.weeks):
        sessions = [s for s in _in_sessions(a, "seated_soleus_raise") if s in a.week(week)]
        assert len(sessions) == 2
        assert all(e["dose"]["text"].startswith("2 x 10") for s in sessions for e in s.exercises
                   if e["key"] == "seated_soleus_raise")


def test_weekly_ceiling_only_shortens_or_drops_runs():
    plain = _advice()
    assert _week_km(plain, 0) > 20
    a = _advice(_edit(K.MAX_WEEKLY_KM, max_weekly_km=20))
    before = {(s.date, s.kind): s.distance_km for s in plain.days if s.is_running}
    for week in range(a.weeks):
        assert _week_km(a, week) <= 20
    for s in a.days:
        if s.is_running and s.distance_km:
            assert s.distance_km <= before[(s.date, s.kind)]  # never raised
    # planned within the ceiling (a coach: a cut made afterwards left the plan's words and run notes at the old km)
    assert a.overrides[0].applied and "every week is planned within it" in a.overrides[0].effect
    assert a.running.summary.startswith(f"Week 1: {_week_km(a, 0):.1f} km in")
    assert all("planned within a ceiling of 20 km a week (set by dr lee" in s.details for s in a.days if s.is_running)
    high = _advice(_edit(K.MAX_WEEKLY_KM, max_weekly_km=200))
    assert [s.distance_km for s in high.days] == [s.distance_km for s in plain.days]
    assert high.overrides[0].applied and "every week is planned within it" in high.overrides[0].effect


def test_an_edit_does_not_rewrite_a_plan_made_before_it_was_set():
    """A coach's ceiling set today rewrote last week's runs on the plan page ('shortened from 8.7 to 3.9 km')."""
    later = _edit(K.MAX_WEEKLY_KM, max_weekly_km=3)
    later = PlanOverride(later.kind, later.author, max_weekly_km=3, id=1,
                         created_at=dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(12), UTC))
    plain, before = _advice(), _advice(later)
    assert [s.distance_km for s in before.days] == [s.distance_km for s in plain.days] and not before.overrides


def test_no_running_period_keeps_strength():
    plain = _advice()
    start, end = plain.start + dt.timedelta(days=2), plain.start + dt.timedelta(days=12)
    a = _advice(_edit(K.NO_RUNNING, start=start, end=end, note="after the injection"))
    inside = [s for s in a.days if start <= s.date <= end]
    assert not [s for s in inside if s.is_running]
    strength = lambda adv: [(s.date, s.kind) for s in adv.days if s.kind == "strength" and start <= s.date <= end]  # noqa: E731
    assert strength(a) == strength(plain)
    assert [s for s in plain.days if s.is_running and start <= s.date <= end]
    for day in {s.date for s in plain.days if s.is_running and start <= s.date <= end}:
        assert any("no-running period" in s.details for s in a.days if s.date == day), day  # the day says why
    assert all("no-running period" in s.details for s in inside if s.kind == "rest")
    outside = [(s.date, s.distance_km) for s in a.days if s.is_running]
    assert outside == [(s.date, s.distance_km) for s in plain.days if s.is_running and not start <= s.date <= end]
    assert "after the injection" in a.overrides[0].text()


def test_an_edit_that_no_longer_fits_is_shown_not_applied():
    a = _advice(_edit(K.REMOVE_EXERCISE, exercise="nordic_hamstring"),
                _edit(K.NO_RUNNING, start=AS_OF - dt.timedelta(days=20), end=AS_OF - dt.timedelta(days=10), id=2),
                _edit(K.DOSE, exercise="side_plank", dose=DoseChange(3, "20 s"), id=3))
    assert [o.applied for o in a.overrides] == [False, False, False]
    assert "not in this plan" in a.overrides[0].effect and "ended before" in a.overrides[1].effect
    as_json = a.to_dict()["overrides"]
    assert as_json[0]["author"] == "dr lee" and as_json[0]["created_at"].startswith("2025-06-29")
    assert as_json[0]["applied"] is False


def test_a_later_dose_edit_replaces_an_earlier_one():
    first = _edit(K.DOSE, exercise="seated_soleus_raise", dose=DoseChange(2, "10"))
    later = PlanOverride(K.DOSE, "dr kim", exercise="seated_soleus_raise", dose=DoseChange(4, "6"), id=2,
                         created_at=WHEN + dt.timedelta(hours=1))
    a = _advice(later, first)
    assert [(o.override.id, o.applied) for o in a.overrides] == [(1, False), (2, True)]
    assert next(p for p in a.strength if p.exercise.key == "seated_soleus_raise").weekly[0].sets == 4


def test_an_edit_survives_regeneration_with_new_data(tmp_path, monkeypatch):
    """Stored edits are read back and applied on every regeneration: a new check-in and new ticks later."""
    monkeypatch.setattr(plan_overrides, "utc_now", lambda: WHEN)  # set before the plans of AS_OF on
    with open_store(home=tmp_path) as store:
        first = {**BASE_ANSWERS, **CALF_DEFICIT}
        save_checkin(CheckinRecord(AS_OF - dt.timedelta(days=1), first, "self-care"), "ana", store=store)
        with store.write() as s:
            plan_overrides.add(s, "ana", PlanOverride(K.REMOVE_EXERCISE, "dr lee", exercise="calf_raise_straight"))
            plan_overrides.add(s, "ana", PlanOverride(K.MAX_WEEKLY_KM, "dr lee", max_weekly_km=3))
        before = advise(gather_context(store, "ana", AS_OF), weeks=4)
        later = AS_OF + dt.timedelta(days=7)
        save_checkin(CheckinRecord(later - dt.timedelta(days=1), {**first, "pain_now": 1}, "self-care"), "ana",
                     store=store)
        after = advise(gather_context(store, "ana", later), weeks=4)
    for a in (before, after):
        assert "calf_raise_straight" not in _keys(a) and not _in_sessions(a, "calf_raise_straight")
        assert [o.applied for o in a.overrides] == [True, True]
        assert all("dr lee" in o.text() for o in a.overrides)
    assert after.start > before.start


# ---------------------------------------------------------------- store and validation
def test_store_add_list_remove(store):
    with store.write() as s:
        athletes.get_or_create(s, "ana")
        a = plan_overrides.add(s, "ana", PlanOverride(K.DOSE, "  ", exercise="side_plank",
                                                      dose=DoseChange.parse("3 x 30s / 2"), note=" sore "))
        b = plan_overrides.add(s, "ana", PlanOverride(K.NO_RUNNING, "clin", start=AS_OF, end=AS_OF))
    assert a.author == "local clinician" and a.note == "sore" and a.dose == DoseChange(3, "30 s", 2)
    assert a.created_at.tzinfo is not None and a.id != b.id
    with store.session() as s:
        assert [e.id for e in plan_overrides.list_active(s, "ana")] == [a.id, b.id]
    with store.write() as s:
        gone = plan_overrides.remove(s, "ana", a.id, "clin")
    assert gone.id == a.id
    with store.session() as s:
        assert [e.id for e in plan_overrides.list_active(s, "ana")] == [b.id]
    with store.write() as s, pytest.raises(NotFound, match="no plan edit #"):
        plan_overrides.remove(s, "ana", a.id)  # already removed


@pytest.mark.parametrize("edit, message", [
    (PlanOverride(K.REMOVE_EXERCISE, exercise="moonwalk"), "unknown exercise 'moonwalk'"),
    (PlanOverride(K.SWAP_EXERCISE, exercise="side_plank", new_exercise="hamstring_stretch"), "swap within one kind"),
    (PlanOverride(K.SWAP_EXERCISE, exercise="side_plank", new_exercise="side_plank"), "different one"),
    (PlanOverride(K.DOSE, exercise="side_plank"), "needs the dose"),
    (PlanOverride(K.DOSE, exercise="side_plank", dose=DoseChange(0, "10")), "sets must be"),
    (PlanOverride(K.MAX_WEEKLY_KM, max_weekly_km=0), "ceiling must be above 0"),
    (PlanOverride(K.MAX_WEEKLY_KM, max_weekly_km=float("nan")), "ceiling must be above 0"),
    (PlanOverride(K.NO_RUNNING, start=AS_OF), "first and last day"),
    (PlanOverride(K.NO_RUNNING, start=AS_OF, end=AS_OF - dt.timedelta(days=1)), "ends"),
    (PlanOverride(K.REMOVE_EXERCISE, exercise="side_plank", note="x" * 3000), "at most"),
])
def test_invalid_edits_are_refused_with_a_reason(edit, message):
    with pytest.raises(InvalidInput, match=message):
        edit.checked()


@pytest.mark.parametrize("text", ["3", "3x", "x10", "3x10/8", "3x10/0", "11x10", "3x101", "3x10kg"])
def test_bad_dose_text(text):
    with pytest.raises(InvalidInput):
        DoseChange.parse(text)


def test_unknown_edit_kind():
    with pytest.raises(InvalidInput, match="unknown plan edit"):
        K.parse("delete_everything")


# ---------------------------------------------------------------- CLI, calendar, report
def _cli():
    app = typer.Typer()
    plan_cmd.register(app)
    app.command("noop")(lambda: None)
    return app


def test_cli_edit_list_remove_and_plan_shows_edits(tmp_path, monkeypatch):
    monkeypatch.setattr(plan_overrides, "utc_now", lambda: WHEN)  # set before the plan of AS_OF
    runner, app, home = CliRunner(), _cli(), ["--home", str(tmp_path)]
    with open_store(home=tmp_path) as store:
        save_checkin(CheckinRecord(AS_OF, {**BASE_ANSWERS, **CALF_DEFICIT}, "self-care"), "ana", store=store)
    res = runner.invoke(app, ["plan", "edit", "--athlete", "ana", "--remove-exercise", "calf_raise_straight",
                              "--by", "Dr Lee", "--note", "calf irritable", *home])
    assert res.exit_code == 0, res.output
    assert "#1" in res.output and "Dr Lee" in res.output
    res = runner.invoke(app, ["plan", "edit", "--athlete", "ana", "--no-running", "2025-07-02", "2025-07-05", *home])
    assert res.exit_code == 0, res.output
    bad = runner.invoke(app, ["plan", "edit", "--athlete", "ana", "--dose", "side_plank", "lots", *home])
    assert bad.exit_code == 2 and "SETSxREPS" in bad.output
    none = runner.invoke(app, ["plan", "edit", "--athlete", "ana", *home])
    assert none.exit_code == 2 and "exactly one edit" in none.output
    listed = runner.invoke(app, ["plan", "edits", "--athlete", "ana", "--json", *home])
    edits = json.loads(listed.output)
    assert [e["kind"] for e in edits] == ["remove_exercise", "no_running"] and edits[0]["author"] == "Dr Lee"
    plan = runner.invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), "--json", *home])
    shown = json.loads(plan.output)["overrides"]
    assert [(o["id"], o["applied"], o["author"]) for o in shown] == [(1, True, "Dr Lee"),
                                                                      (2, True, "local clinician")]
    text = runner.invoke(app, ["plan", "--athlete", "ana", "--as-of", AS_OF.isoformat(), *home]).output
    assert "Clinician's edits" in text and "calf irritable" in text
    assert runner.invoke(app, ["plan", "edits", "--athlete", "ana", "--remove", "1", *home]).exit_code == 0
    gone = runner.invoke(app, ["plan", "edits", "--athlete", "ana", "--remove", "1", *home])
    assert gone.exit_code == 2 and "no plan edit #1" in gone.output
    assert json.loads(runner.invoke(app, ["plan", "edits", "--athlete", "ana", "--json", *home]).output)[0]["id"] == 2


def test_calendar_and_report_show_who_edited():
    a = _advice(_edit(K.MAX_WEEKLY_KM, max_weekly_km=20),
                _edit(K.REMOVE_EXERCISE, exercise="nordic_hamstring", id=2))
    described = [str(e["DESCRIPTION"]) for e in Calendar.from_ical(build_calendar(a).to_ical()).walk("VEVENT")]
    assert any("Clinician's edit: planned within a ceiling of 20 km" in d and "dr lee" in d for d in described)
    ctx = make_context("ana", AS_OF, activities=runs_frame(HISTORY), checkin=checkin(**CALF_DEFICIT))
    doc = build_report(ctx, a)
    assert len(doc.plan["edits"]) == 2 and "set by dr lee on 2025-06-29" in doc.plan["edits"][0]
    html = render_html(doc)
    assert "Clinician&#39;s edits" in html or "Clinician's edits" in html
    assert "NOT applied: Nordic hamstring lowers is not in this plan" in html
