"""The plan as a calendar: weeks from Monday to Sunday, each day's sessions beside what was done.

Everything planned comes from the advice's typed sessions (`Advice.days`, `advice.session.Session`);
nothing is recomputed here. Beside them: the sessions ticked off (`store.plan_log.Tick`, with the pain)
and the runs imported for the days already past (`store.queries.DatedActivity`), so each day reads as
done, missed, or an extra run. To keep the page short, consecutive rest days in a week become one
item, and weeks with nothing but rest (an urgent check-in stops all training) become one row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kneeguard.advice.session import Session
from kneeguard.advice.ticks import TICKABLE_KINDS

if TYPE_CHECKING:
    from kneeguard.store.plan_log import Tick
    from kneeguard.store.queries import DatedActivity

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Entry:
    """One planned session and, once its day has come, whether it was ticked off."""

    session: Session
    tick: Tick | None
    today: dt.date
    ran: bool = False  # a run was imported on this running session's day

    @property
    def state(self) -> str:
        """"done" (ticked), "ran" (a running session, not ticked, but a run was imported that day), "missed"
        (a past day, not ticked), "open" (today, not yet ticked) or "planned"."""
        if self.tick is not None:
            return "done"
        if self.session.kind not in TICKABLE_KINDS:  # a re-check is done by checking in: never "missed" here
            return "planned" if self.session.date > self.today else "open"
        if self.ran:
            return "ran"
        day = self.session.date
        return "planned" if day > self.today else "open" if day == self.today else "missed"

    @property
    def summary(self) -> str:
        """The session in one line: its title with duration and intensity."""
        s = self.session
        parts = [s.title or s.kind_words.capitalize()]
        if s.duration_min:
            parts.append(f"{s.duration_min:.0f} min")
        if s.rpe_max is not None:
            parts.append(f"effort ≤ {s.rpe_max}/10")
        if s.target_cadence_spm:
            parts.append(f"metronome {s.cadence_text}")
        return " · ".join(parts)

    @property
    def note(self) -> str:
        """The session's text without the exercise lines the calendar lists one by one (the pain-rule note,
        a clinician's edit); the whole text when it is not made of those lines."""
        s = self.session
        if not s.exercises:
            return s.details
        lines = "; ".join(f"{e.get('name', '')}: {(e.get('dose') or {}).get('text', '')} ({e.get('tempo', '')})"
                          for e in s.exercises) + "."
        return s.details[len(lines):].strip() if s.details.startswith(lines) else s.details


@dataclass(frozen=True)
class Day:
    """A day with something planned, or with a run imported."""

    date: dt.date
    entries: tuple[Entry, ...]
    runs: tuple[DatedActivity, ...] = ()  # running sports only
    today: dt.date = dt.date.min

    @property
    def anchor(self) -> str:
        return f"day-{self.date.isoformat()}"

    @property
    def is_today(self) -> bool:
        return self.date == self.today

    @property
    def planned_km(self) -> float:
        return sum(e.session.distance_km or 0.0 for e in self.entries if e.session.is_running)

    @property
    def has_planned_run(self) -> bool:
        return any(e.session.is_running for e in self.entries)

    @property
    def ran_km(self) -> float:
        return sum(r.distance_m or 0.0 for r in self.runs) / 1000

    @property
    def run_state(self) -> str | None:
        """Imported runs against the plan: "ran" (a run was planned), "extra" (none was), None (no run)."""
        if not self.runs:
            return None
        return "ran" if self.has_planned_run else "extra"


@dataclass(frozen=True)
class Span:
    """Consecutive days of one week shown as one item: rest days, or days outside the calendar."""

    kind: str  # "rest" | "outside"
    first: dt.date
    last: dt.date
    text: str = ""  # what the rest days say, when they all say the same

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        if self.days == 1:
            return self.first.strftime("%a %d %b")
        return f"{self.first.strftime('%a %d')} – {self.last.strftime('%a %d %b')}"


@dataclass(frozen=True)
class Week:
    """One row of the calendar, Monday to Sunday."""

    monday: dt.date
    cells: tuple  # Day | Span, in order, covering the 7 days

    @property
    def label(self) -> str:
        sunday = self.monday + dt.timedelta(days=6)
        same_month = self.monday.month == sunday.month
        return f"{self.monday.strftime('%d' if same_month else '%d %b')} – {sunday.strftime('%d %b %Y')}"

    @property
    def days(self) -> list[Day]:
        return [c for c in self.cells if isinstance(c, Day)]

    @property
    def planned_km(self) -> float:
        return sum(d.planned_km for d in self.days)

    @property
    def planned_runs(self) -> int:
        return sum(1 for d in self.days for e in d.entries if e.session.is_running)

    @property
    def ran_km(self) -> float:
        return sum(d.ran_km for d in self.days)

    @property
    def has_runs(self) -> bool:
        return any(d.runs for d in self.days)

    @property
    def only_rest(self) -> bool:
        return not self.days


@dataclass(frozen=True)
class RestWeeks:
    """Whole weeks with nothing but rest, as one row."""

    first: dt.date
    last: dt.date
    text: str = ""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Calendar:
    rows: list = field(default_factory=list)  # Week | RestWeeks
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def weeks(self) -> list[Week]:
        return [r for r in self.rows if isinstance(r, Week)]

    @property
    def rest_days(self) -> int:
        """Rest days in the calendar (collapsed or not)."""
        spans = [c for w in self.weeks for c in w.cells if isinstance(c, Span) and c.kind == "rest"]
        return sum(s.days for s in spans) + sum(r.days for r in self.rows if isinstance(r, RestWeeks))


def calendar_weeks(sessions: list[Session], ticks: dict, runs: list, first: dt.date, last: dt.date,
                   today: dt.date) -> Calendar:
    """The calendar of `sessions` from `first` to `last` (inclusive) in Monday-to-Sunday rows.

    `ticks`: {(day, kind): Tick}; `runs`: the imported running activities (`DatedActivity`) of those days."""
    by_day: dict[dt.date, list[Session]] = {}
    for s in sessions:
        if first <= s.date <= last:
            by_day.setdefault(s.date, []).append(s)
    runs_by_day: dict[dt.date, list] = {}
    for r in runs:
        runs_by_day.setdefault(r.day, []).append(r)
    monday = first - dt.timedelta(days=first.weekday())
    rows: list = []
    while monday <= last:
        week = _week(monday, by_day, runs_by_day, ticks, first, last, today)
        previous = rows[-1] if rows else None
        rest = [c for c in week.cells if c.kind == "rest"] if week.only_rest else []
        text = _shared_text([c.text for c in rest])
        follows = (isinstance(previous, RestWeeks) and bool(rest) and previous.text == text
                   and previous.last + dt.timedelta(days=1) == rest[0].first)
        if follows:  # more rest after a row of rest weeks (a last, partial week too): the same row
            rows[-1] = RestWeeks(previous.first, rest[-1].last, text)
        elif rest and sum(c.days for c in rest) == 7:  # a whole week of nothing but rest: a row of its own
            rows.append(RestWeeks(rest[0].first, rest[-1].last, text))
        else:
            rows.append(week)
        monday += dt.timedelta(days=7)
    return Calendar(rows, first, last)


def _week(monday: dt.date, by_day: dict, runs_by_day: dict, ticks: dict, first: dt.date, last: dt.date,
          today: dt.date) -> Week:
    cells: list = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        planned = by_day.get(day, [])
        done_runs = tuple(runs_by_day.get(day, ()))
        active = [s for s in planned if s.kind != "rest"]
        if active or done_runs:
            entries = tuple(Entry(s, ticks.get((s.date, s.kind)), today, bool(done_runs) and s.is_running)
                            for s in active)
            cells.append(Day(day, entries, done_runs, today))
            continue
        kind = "rest" if planned else "outside"
        if not (first <= day <= last):
            kind = "outside"
        text = planned[0].details if planned else ""
        prev = cells[-1] if cells else None
        if isinstance(prev, Span) and prev.kind == kind:
            cells[-1] = Span(kind, prev.first, day, prev.text if prev.text == text else "")
        else:
            cells.append(Span(kind, day, day, text))
    return Week(monday, tuple(cells))


def _shared_text(texts: list[str]) -> str:
    unique = set(texts)
    return texts[0] if len(unique) == 1 else ""


__all__ = ["DAY_NAMES", "Calendar", "Day", "Entry", "RestWeeks", "Span", "Week", "calendar_weeks"]
