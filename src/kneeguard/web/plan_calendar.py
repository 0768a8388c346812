"""The plan as a calendar: the plan's weeks (7 days from its first day, the weeks its rules and totals count),
each day's sessions beside what was done.

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

from kneeguard.advice.session import KIND_WORDS, Session
from kneeguard.advice.ticks import TICKABLE_KINDS
from kneeguard.pain_rule import safe_max

if TYPE_CHECKING:
    from kneeguard.store.plan_log import Tick
    from kneeguard.store.queries import DatedActivity

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_names(first_day: dt.date | None) -> tuple[str, ...]:
    """The calendar's column heads: the week's days from `first_day`'s weekday (Monday when None)."""
    start = first_day.weekday() if first_day is not None else 0
    return DAY_NAMES[start:] + DAY_NAMES[:start]


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
        if s.kind == "walk":  # a walk's limit is its pain, 2/10, not its effort (read 41 read one as the other)
            parts.append(f"pain ≤ {safe_max():g}/10")
        elif s.rpe_max is not None:
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
    """One row of the calendar: 7 days from `start` (a plan week when `number` is set)."""

    start: dt.date
    cells: tuple  # Day | Span, in order, covering the 7 days
    number: int | None = None  # the plan's week number (1 = its first week); None before the plan

    @property
    def dates(self) -> str:
        end = self.start + dt.timedelta(days=6)
        same_month = self.start.month == end.month
        return f"{self.start.strftime('%a %d' if same_month else '%a %d %b')} – {end.strftime('%a %d %b %Y')}"

    @property
    def label(self) -> str:
        """'Week 2 · Thu 17 – Wed 23 Dec 2026': the plan's own numbering, so the page's rows are the weeks the
        plan's texts name ('week 2: up to 7.5 km'); 'Before this plan · …' for the days just past."""
        return f"{f'Week {self.number}' if self.number else 'Before this plan'} · {self.dates}"

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
                   today: dt.date, plan_start: dt.date | None = None) -> Calendar:
    """The calendar of `sessions` from `first` to `last` (inclusive) in rows of the plan's weeks: 7 days from
    `plan_start` (a row's planned runs and km are then the plan week's, as every other view counts them), the
    days before it in rows of the same weekdays; Monday-to-Sunday rows when no plan start is given.

    `ticks`: {(day, kind): Tick}; `runs`: the imported running activities (`DatedActivity`) of those days."""
    by_day: dict[dt.date, list[Session]] = {}
    for s in sessions:
        if first <= s.date <= last:
            by_day.setdefault(s.date, []).append(s)
    runs_by_day: dict[dt.date, list] = {}
    for r in runs:
        runs_by_day.setdefault(r.day, []).append(r)
    anchor = plan_start or first - dt.timedelta(days=first.weekday())
    row_start = first - dt.timedelta(days=(first - anchor).days % 7)
    rows: list = []
    while row_start <= last:
        in_plan = plan_start is not None and row_start >= plan_start
        number = (row_start - plan_start).days // 7 + 1 if in_plan else None
        week = _week(row_start, by_day, runs_by_day, ticks, first, last, today, number)
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
        row_start += dt.timedelta(days=7)
    return Calendar(rows, first, last)


def _week(start: dt.date, by_day: dict, runs_by_day: dict, ticks: dict, first: dt.date, last: dt.date,
          today: dt.date, number: int | None) -> Week:
    cells: list = []
    for i in range(7):
        day = start + dt.timedelta(days=i)
        planned = by_day.get(day, [])
        done_runs = tuple(runs_by_day.get(day, ()))
        active = [s for s in planned if s.kind != "rest"] + _unplanned_ticks(day, planned, ticks)
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
    return Week(start, tuple(cells), number)


def _unplanned_ticks(day: dt.date, planned: list[Session], ticks: dict) -> list[Session]:
    """A session ticked off on a day the plan did not set it (from the CLI, or before the plan changed): shown
    as ticked, since its pain counts in the pain rule (a coach's tick was accepted, then shown nowhere)."""
    kinds = {s.kind for s in planned}
    return [Session(day, kind, f"{KIND_WORDS.get(kind, kind).capitalize()} (not in the plan)",
                    "Ticked off on a day the plan did not set it; its pain counts in the pain rule.")
            for (when, kind) in sorted(ticks) if when == day and kind not in kinds]


def _shared_text(texts: list[str]) -> str:
    unique = set(texts)
    return texts[0] if len(unique) == 1 else ""


__all__ = ["DAY_NAMES", "Calendar", "Day", "Entry", "RestWeeks", "Span", "Week", "calendar_weeks", "day_names"]
