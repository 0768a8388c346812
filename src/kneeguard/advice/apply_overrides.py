"""Apply a clinician's edits (`PlanOverride`s) to a finished `Advice`, last step of `advise()`.

The edits are applied oldest first, on every regeneration, so they survive new runs, check-ins
and ticks. Exercise edits change the programme and the strength/mobility sessions that carry the
exercise; running edits only ever shorten or remove runs (a clinician's ceiling or break never
raises a load). Every session an edit changed says so in its details (and so in the .ics notes),
and the Advice lists every edit with whether it applied: one that cannot (its exercise is not in
the plan, its period lies outside the plan) is listed as not applied, never dropped silently.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Callable, Sequence

from kneeguard import evidence
from kneeguard.advice.exercises import Prescription, Stage, library, pain_rule_text, weekly_stages
from kneeguard.advice.overrides import AppliedOverride, OverrideKind, PlanOverride
from kneeguard.advice.session import SESSION_KINDS, Session
from kneeguard.numbers import counted, tenth_down

if TYPE_CHECKING:
    from kneeguard.advice.engine import Advice

# The plan session an exercise of each kind is done in (warm-ups come before every run, not in a session).
SESSION_OF_KIND = {"strength": "strength", "flexibility": "mobility"}
SESSION_TITLE = {"strength": "Strength", "mobility": "Mobility"}
MINUTES_PER_EXERCISE = 5.0  # a new exercise session's length per exercise when no session shows the plan's own


def apply_overrides(advice: Advice, overrides: Sequence[PlanOverride]) -> Advice:
    """The advice with `overrides` applied and listed in `advice.overrides` (changed in place, returned)."""
    if not overrides:
        return advice
    editor = _Editor(advice)
    ordered = sorted(overrides, key=lambda o: (o.created_at or dt.datetime.max.replace(tzinfo=dt.timezone.utc),
                                               o.id or 0))
    latest_dose = {o.exercise: o for o in ordered if o.kind is OverrideKind.DOSE}
    results = []
    for ov in ordered:
        if ov.kind is OverrideKind.DOSE and latest_dose[ov.exercise] is not ov:
            later = latest_dose[ov.exercise]
            results.append(AppliedOverride(ov, False, f"replaced by the later dose edit {later.label}"))
            continue
        results.append(APPLY[ov.kind](editor, ov))
    editor.finish()
    advice.overrides = results
    return advice


class _Editor:
    """The advice being edited, and the edit notes each touched session collects."""

    def __init__(self, advice: Advice) -> None:
        self.advice = advice
        self.notes: dict[int, list[str]] = {}  # id(session) -> edit notes
        self.touched: dict[int, Session] = {}  # holds every touched session, so no id is reused
        self.minutes: dict[int, float] = {}  # id(exercise session) -> minutes per exercise before editing
        self.rest_text: dict[dt.date, str] = {}

    # ---------------------------------------------------------------- exercises
    def prescription(self, key: str | None) -> tuple[list[Prescription], Prescription] | None:
        a = self.advice
        for group in (a.strength, a.warmup, a.flexibility):
            for p in group:
                if p.exercise.key == key:
                    return group, p
        return None

    def sessions_with(self, key: str | None) -> list[Session]:
        return [s for s in self.advice.days if any(e.get("key") == key for e in s.exercises)]

    def week_of(self, day: dt.date) -> int:
        return (day - self.advice.start).days // 7

    def touch(self, session: Session, note: str) -> None:
        if session.exercises and id(session) not in self.minutes:
            self.minutes[id(session)] = (session.duration_min or 0) / len(session.exercises) or MINUTES_PER_EXERCISE
        self.touched[id(session)] = session
        self.notes.setdefault(id(session), [])
        if note not in self.notes[id(session)]:
            self.notes[id(session)].append(note)

    def set_exercises(self, session: Session, exercises: list[dict[str, Any]], note: str) -> None:
        self.touch(session, note)
        session.exercises = exercises
        if not exercises:
            self.advice.days.remove(session)

    def add_to_day(self, day: dt.date, kind: str, item: dict[str, Any], p: Prescription, note: str) -> None:
        same = [s for s in self.advice.days if s.date == day and s.kind == kind]
        if same:
            self.set_exercises(same[0], [*same[0].exercises, item], note)
            return
        session = Session(day, kind, "", "", duration_min=MINUTES_PER_EXERCISE, reason=list(p.reason),
                          citations=list(p.citations), exercises=[item], pain_rule=pain_rule_text())
        self.minutes[id(session)] = MINUTES_PER_EXERCISE
        self.advice.days.append(session)
        self.touch(session, note)

    # ---------------------------------------------------------------- running
    def drop_run(self, session: Session, why: str) -> None:
        """Take a run out; the day says why, on its rest entry or on the session left that day."""
        self.advice.days.remove(session)
        left = [s for s in self.advice.days if s.date == session.date]
        if left:
            self.touch(left[0], why)
        else:
            self.rest_text.setdefault(session.date, why)

    # ---------------------------------------------------------------- the end
    def finish(self) -> None:
        """Rewrite every touched session from what it now holds; rest days where nothing is left."""
        by_id = {id(s): s for s in self.advice.days}
        for sid, notes in self.notes.items():
            s = by_id.get(sid)
            if s is None:
                continue
            edits = " Clinician's edit: " + "; ".join(notes) + "."
            if s.exercises:
                s.details = "; ".join(_exercise_line(e) for e in s.exercises) + "." + edits
                s.duration_min = round(self.minutes.get(sid, MINUTES_PER_EXERCISE) * len(s.exercises))
                if s.kind in SESSION_TITLE:
                    s.title = f"{SESSION_TITLE[s.kind]}: {_targets(s.exercises)}"
            else:
                s.details += edits
        self._fill_rest_days()

    def _fill_rest_days(self) -> None:
        a = self.advice
        busy = {s.date for s in a.days}
        cites = list(evidence.rule("advice.run.min_rest_days_per_week").citations)
        for i in range(a.weeks * 7):
            day = a.start + dt.timedelta(days=i)
            if day in busy:
                continue
            why = self.rest_text.get(day)
            text = f"{why[0].upper()}{why[1:]}. Walking and daily activity are fine." if why else \
                "No running today. Walking and daily activity are fine."
            a.days.append(Session(day, "rest", "Rest day", text,
                                  reason=[] if why else ["advice.run.min_rest_days_per_week"],
                                  citations=[] if why else cites))
        a.days.sort(key=lambda s: (s.date, SESSION_KINDS.index(s.kind)))


def _remove(ed: _Editor, ov: PlanOverride) -> AppliedOverride:
    found = ed.prescription(ov.exercise)
    if found is None:
        return _not_in_plan(ed, ov, ov.exercise)
    group, p = found
    group.remove(p)
    note = f"{p.exercise.name} removed ({ov.set_by()})"
    sessions = ed.sessions_with(ov.exercise)
    for s in sessions:
        ed.set_exercises(s, [e for e in s.exercises if e.get("key") != ov.exercise], note)
    return AppliedOverride(ov, True, f"{p.exercise.name} taken out of the programme and of {counted(len(sessions), 'session')}")


def _swap(ed: _Editor, ov: PlanOverride) -> AppliedOverride:
    found = ed.prescription(ov.exercise)
    if found is None:
        return _not_in_plan(ed, ov, ov.exercise)
    new = library()[ov.new_exercise]
    if ed.prescription(new.key) is not None:
        result = _remove(ed, ov)
        return AppliedOverride(ov, True, f"{new.name} was in the plan already, so {result.effect}")
    group, old = found
    weekly = weekly_stages(new, len(old.weekly), old.held, old.stepped_back, old.active)
    swapped = replace(old, exercise=new, weekly=weekly, why=f"{old.why}; replaces {old.exercise.name} ({ov.set_by()})")
    group[group.index(old)] = swapped
    note = f"{old.exercise.name} swapped for {new.name} ({ov.set_by()})"
    sessions = ed.sessions_with(old.exercise.key)
    for s in sessions:
        item = _item(swapped, ed.week_of(s.date))
        ed.set_exercises(s, [item if e.get("key") == old.exercise.key else e for e in s.exercises], note)
    _set_frequency(ed, swapped, note)  # the new exercise at its own sessions a week
    return AppliedOverride(ov, True, f"{new.name} in place of {old.exercise.name} in the programme and "
                                     f"{len(sessions)} session(s)")


def _dose(ed: _Editor, ov: PlanOverride) -> AppliedOverride:
    found = ed.prescription(ov.exercise)
    if found is None:
        return _not_in_plan(ed, ov, ov.exercise)
    group, old = found
    d = ov.dose
    weekly = [Stage(d.sets, d.reps, d.per_week or st.per_week, st.added_kg) for st in old.weekly]
    dosed = replace(old, weekly=weekly, why=f"{old.why}; dose set to {d.text()} ({ov.set_by()})")
    group[group.index(old)] = dosed
    note = f"{old.exercise.name} dose {d.text()} ({ov.set_by()})"
    for s in ed.sessions_with(old.exercise.key):
        item = _item(dosed, ed.week_of(s.date))
        ed.set_exercises(s, [item if e.get("key") == old.exercise.key else e for e in s.exercises], note)
    _set_frequency(ed, dosed, note)
    return AppliedOverride(ov, True, f"{old.exercise.name} at {d.text()} every week of the plan")


def _set_frequency(ed: _Editor, p: Prescription, note: str) -> None:
    """As many sessions of `p` in each plan week as its dose says: taken out of the surplus ones
    (those kept spread evenly); added to the week's other sessions of its kind, then days without a run."""
    a, key, kind = ed.advice, p.exercise.key, SESSION_OF_KIND.get(p.exercise.kind)
    if kind is None:
        return  # warm-ups go before every run, not in sessions of their own
    for week in range(a.weeks):
        per_week = min(p.dose_for_week(week).per_week, 7)
        days = [a.start + dt.timedelta(days=week * 7 + i) for i in range(7)]
        having = sorted((s for s in ed.sessions_with(key) if s.date in days), key=lambda s: s.date)
        if len(having) > per_week:
            keep = {id(having[i]) for i in _spread(len(having), per_week)}
            for s in having:
                if id(s) not in keep:
                    ed.set_exercises(s, [e for e in s.exercises if e.get("key") != key], note)
            continue
        taken = {s.date for s in having}
        same_kind = [s.date for s in a.days if s.kind == kind and s.date in days and s.date not in taken]
        run_days = {s.date for s in a.days if s.is_running}
        others = sorted((d for d in days if d not in taken and d not in same_kind), key=lambda d: d in run_days)
        for day in (same_kind + others)[:per_week - len(having)]:
            ed.add_to_day(day, kind, _item(p, week), p, note)


def _max_weekly_km(ed: _Editor, ov: PlanOverride) -> AppliedOverride:
    a, ceiling = ed.advice, float(ov.max_weekly_km)
    shortest = float(evidence.value("advice.run.min_run_km"))
    shortened = dropped = weeks = 0
    rest = f"No run today: the clinician's ceiling of {ceiling:g} km a week ({ov.set_by()})"
    for week in range(a.weeks):
        runs = [s for s in a.week(week) if s.is_running and s.distance_km]
        total = sum(s.distance_km for s in runs)
        if total <= ceiling:  # planned within it (`advice.running`): each run says whose ceiling it keeps
            for s in runs:
                ed.touch(s, f"planned within a ceiling of {ceiling:g} km a week ({ov.set_by()})")
            continue
        weeks += 1
        factor = ceiling / total
        for s in runs:
            km = tenth_down(s.distance_km * factor)  # round down so the ceiling always holds
            if km < shortest:
                ed.drop_run(s, rest)
                dropped += 1
                continue
            old = s.distance_km
            s.title = s.title.replace(f"{old:.1f} km", f"{km:.1f} km")
            s.duration_min = None if s.duration_min is None else round(s.duration_min * km / old)
            s.distance_km = km
            ed.touch(s, f"shortened from {old:.1f} to {km:.1f} km for a ceiling of {ceiling:g} km a week "
                        f"({ov.set_by()})")
            shortened += 1
    a.running.summary += f" Clinician's ceiling: at most {ceiling:g} km a week ({ov.set_by()})."
    if not weeks:
        return AppliedOverride(ov, True, "in force: every week is planned within it")
    return AppliedOverride(ov, True, f"{counted(shortened, 'run')} shortened and {dropped} dropped in {counted(weeks, 'week')} "
                                     f"that were above {ceiling:g} km")


def _no_running(ed: _Editor, ov: PlanOverride) -> AppliedOverride:
    a = ed.advice
    if ov.end < a.start:
        return AppliedOverride(ov, False, f"the period ended before this plan starts ({a.start})")
    if ov.start > a.end:
        return AppliedOverride(ov, False, f"the period starts after this plan ends ({a.end}); "
                                          "a plan that reaches it will apply it")
    runs = [s for s in a.days if s.is_running and ov.start <= s.date <= ov.end]
    why = f"no running today: the clinician's no-running period {ov.start} to {ov.end} ({ov.set_by()})"
    for s in runs:
        ed.drop_run(s, why)
    for s in [s for s in a.days if s.kind == "rest" and ov.start <= s.date <= ov.end]:
        ed.touch(s, why)
    for day_offset in range((min(ov.end, a.end) - max(ov.start, a.start)).days + 1):
        ed.rest_text.setdefault(max(ov.start, a.start) + dt.timedelta(days=day_offset), why)
    a.running.summary += f" No running from {ov.start} to {ov.end} ({ov.set_by()})."
    return AppliedOverride(ov, True, f"{len(runs)} running session(s) in the period taken out; "
                                     "strength and mobility sessions stay")


def _not_in_plan(ed: _Editor, ov: PlanOverride, key: str | None) -> AppliedOverride:
    name = library()[key].name if key in library() else str(key)
    why = ("no exercises are planned until a professional has seen you" if ed.advice.pain.stop
           else f"{name} is not in this plan")
    return AppliedOverride(ov, False, why)


def _item(p: Prescription, week: int) -> dict[str, Any]:
    """One exercise as a session lists it, at `week`'s dose."""
    return {"key": p.exercise.key, "name": p.exercise.name, "dose": p.dose_dict(week),
            "tempo": p.exercise.cue, "held": p.held}


def _exercise_line(e: dict[str, Any]) -> str:
    return f"{e.get('name', '')}: {(e.get('dose') or {}).get('text', '')} ({e.get('tempo', '')})"


def _targets(exercises: list[dict[str, Any]]) -> str:
    lib = library()
    return ", ".join(dict.fromkeys(t for e in exercises for t in (lib[e["key"]].targets if e.get("key") in lib else ())))


def _spread(count: int, n: int) -> list[int]:
    """`n` indices out of `count`, as evenly spaced as possible (first and last kept)."""
    if n <= 1:
        return [0][:n]
    return sorted({round(i * (count - 1) / (n - 1)) for i in range(n)})


APPLY: dict[OverrideKind, Callable[[_Editor, PlanOverride], AppliedOverride]] = {
    OverrideKind.REMOVE_EXERCISE: _remove, OverrideKind.SWAP_EXERCISE: _swap, OverrideKind.DOSE: _dose,
    OverrideKind.MAX_WEEKLY_KM: _max_weekly_km, OverrideKind.NO_RUNNING: _no_running,
}
