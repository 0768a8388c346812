"""A clinician's edits of one athlete's plan, as typed objects: what the store keeps and the engine applies.

Five kinds, each with its own parameters (checked here, once, for CLI, web and store alike):
    remove_exercise  exercise                 the exercise leaves the plan
    swap_exercise    exercise, new_exercise   another exercise of the same kind from exercises.toml takes its place
    dose             exercise, dose           sets x reps (and sessions a week) replace the plan's dose every week
    max_weekly_km    max_weekly_km            no plan week runs more (runs are shortened or dropped, never lengthened)
    no_running       start, end               no run or walk/run session in these days (strength and mobility stay)

An edit stays in force on every regeneration of the plan until it is removed; the plan shows
who set it and when, and whether it could be applied (`AppliedOverride`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from collections.abc import Sequence
from typing import Any

from kneeguard.errors import InvalidInput

LOCAL_CLINICIAN = "local clinician"  # the author in single-user mode (no accounts)
MAX_NOTE = 2_000
MAX_AUTHOR = 80
MAX_WEEKLY_KM_LIMIT = 300.0  # sanity bound on a typed ceiling: no runner's week is longer
MAX_SETS, MAX_REPS = 10, 100  # sanity bounds on a typed dose
MAX_NO_RUNNING_DAYS = 366
DAYS_A_WEEK = 7
# "3x15", "3 x 30 s", "3x15/2" (two sessions a week)
DOSE_TEXT = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*(s?)\s*(?:/\s*(\d+))?\s*$", re.IGNORECASE)


class OverrideKind(str, Enum):
    REMOVE_EXERCISE = "remove_exercise"
    SWAP_EXERCISE = "swap_exercise"
    DOSE = "dose"
    MAX_WEEKLY_KM = "max_weekly_km"
    NO_RUNNING = "no_running"

    @classmethod
    def parse(cls, text: str) -> OverrideKind:
        try:
            return cls(str(text).strip())
        except ValueError:
            raise InvalidInput(f"unknown plan edit {text!r}; one of {', '.join(k.value for k in cls)}") from None


@dataclass(frozen=True)
class DoseChange:
    """The clinician's dose: sets x reps (reps may be a hold, "30 s"), and sessions a week (None: the plan's)."""

    sets: int
    reps: str
    per_week: int | None = None

    @classmethod
    def parse(cls, text: str) -> DoseChange:
        found = DOSE_TEXT.match(text or "")
        if not found:
            raise InvalidInput(f"a dose is SETSxREPS or SETSxREPS/PER_WEEK (e.g. 3x15 or 3x30s/2), got {text!r}")
        sets, reps, seconds, per_week = found.groups()
        return cls(int(sets), f"{int(reps)} s" if seconds else str(int(reps)),
                   None if per_week is None else int(per_week)).checked()

    def checked(self) -> DoseChange:
        if not 1 <= self.sets <= MAX_SETS:
            raise InvalidInput(f"sets must be 1-{MAX_SETS}, got {self.sets}")
        count = int(re.sub(r"\D", "", self.reps) or 0)
        if not 1 <= count <= MAX_REPS:
            raise InvalidInput(f"repetitions (or seconds) must be 1-{MAX_REPS}, got {self.reps!r}")
        if self.per_week is not None and not 1 <= self.per_week <= DAYS_A_WEEK:
            raise InvalidInput(f"sessions a week must be 1-{DAYS_A_WEEK}, got {self.per_week}")
        return self

    def text(self) -> str:
        return f"{self.sets} x {self.reps}" + (f", {self.per_week}x/week" if self.per_week else "")


@dataclass(frozen=True)
class PlanOverride:
    """One clinician edit. `id` and `created_at` are the store's (None before it is stored)."""

    kind: OverrideKind
    author: str = LOCAL_CLINICIAN
    exercise: str | None = None
    new_exercise: str | None = None
    dose: DoseChange | None = None
    max_weekly_km: float | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""
    id: int | None = None
    created_at: dt.datetime | None = None

    def checked(self) -> PlanOverride:
        """This edit if its parameters fit its kind; InvalidInput naming the problem otherwise."""
        from kneeguard.advice.exercises import library

        kind, lib = self.kind, library()
        needs_exercise = kind in (OverrideKind.REMOVE_EXERCISE, OverrideKind.SWAP_EXERCISE, OverrideKind.DOSE)
        if needs_exercise and self.exercise not in lib:
            raise InvalidInput(f"unknown exercise {self.exercise!r}; one of {', '.join(sorted(lib))}")
        if kind is OverrideKind.SWAP_EXERCISE:
            new = lib.get(self.new_exercise or "")
            if new is None:
                raise InvalidInput(f"unknown exercise {self.new_exercise!r}; one of {', '.join(sorted(lib))}")
            if new.key == self.exercise:
                raise InvalidInput("swap an exercise for a different one")
            if new.kind != lib[self.exercise].kind:
                raise InvalidInput(f"swap within one kind: {self.exercise} is {lib[self.exercise].kind}, "
                                   f"{new.key} is {new.kind}")
        if kind is OverrideKind.DOSE:
            if self.dose is None:
                raise InvalidInput("a dose edit needs the dose (SETSxREPS[/PER_WEEK])")
            self.dose.checked()
        if kind is OverrideKind.MAX_WEEKLY_KM:
            km = self.max_weekly_km
            if km is None or km != km or not 0 < km <= MAX_WEEKLY_KM_LIMIT:
                raise InvalidInput(f"the weekly ceiling must be above 0 and at most {MAX_WEEKLY_KM_LIMIT:g} km, "
                                   f"got {km!r}")
        if kind is OverrideKind.NO_RUNNING:
            if self.start is None or self.end is None:
                raise InvalidInput("a no-running period needs its first and last day (FROM TO)")
            if self.end < self.start:
                raise InvalidInput(f"the no-running period ends ({self.end}) before it starts ({self.start})")
            if (self.end - self.start).days >= MAX_NO_RUNNING_DAYS:
                raise InvalidInput(f"a no-running period is at most {MAX_NO_RUNNING_DAYS} days; "
                                   "set a new one when it ends")
        if len(self.note) > MAX_NOTE:
            raise InvalidInput(f"the note has at most {MAX_NOTE} characters, this one has {len(self.note)}")
        return self

    @property
    def label(self) -> str:
        """"#3" once stored."""
        return f"#{self.id}" if self.id is not None else "new"

    def describe(self) -> str:
        """What the clinician asked for, in words."""
        k = self.kind
        if k is OverrideKind.REMOVE_EXERCISE:
            return f"remove {_name(self.exercise)}"
        if k is OverrideKind.SWAP_EXERCISE:
            return f"swap {_name(self.exercise)} for {_name(self.new_exercise)}"
        if k is OverrideKind.DOSE:
            return f"dose of {_name(self.exercise)}: {self.dose.text() if self.dose else ''}"
        if k is OverrideKind.MAX_WEEKLY_KM:
            return f"at most {self.max_weekly_km:g} km of running a week"
        return f"no running from {self.start} to {self.end}"

    def set_by(self) -> str:
        """"set by NAME on YYYY-MM-DD"."""
        when = f" on {self.created_at.date().isoformat()}" if self.created_at else ""
        return f"set by {self.author}{when}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "author": self.author,
                "created_at": self.created_at.isoformat() if self.created_at else None,
                "exercise": self.exercise, "new_exercise": self.new_exercise,
                "dose": None if self.dose is None else {"sets": self.dose.sets, "reps": self.dose.reps,
                                                        "per_week": self.dose.per_week},
                "max_weekly_km": self.max_weekly_km, "start": _iso(self.start), "end": _iso(self.end),
                "note": self.note, "description": self.describe()}


@dataclass(frozen=True)
class AppliedOverride:
    """An edit as this plan took it: applied (and what it changed) or not (and why not)."""

    override: PlanOverride
    applied: bool
    effect: str

    def text(self) -> str:
        o = self.override
        state = "applied" if self.applied else "NOT applied"
        note = f' Note: "{o.note}"' if o.note else ""
        return f"{o.label} {o.describe()} ({o.set_by()}) - {state}: {self.effect}.{note}"

    def to_dict(self) -> dict[str, Any]:
        return {**self.override.to_dict(), "applied": self.applied, "effect": self.effect}


def clean_author(author: str | None) -> str:
    return (author or "").strip()[:MAX_AUTHOR] or LOCAL_CLINICIAN


def _name(key: str | None) -> str:
    from kneeguard.advice.exercises import library

    ex = library().get(key or "")
    return ex.name if ex else str(key)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def in_force(overrides: Sequence[PlanOverride], as_of: dt.date) -> list[PlanOverride]:
    """The edits a plan made on `as_of` follows: those set on or before it (a past day's plan, as the plan page
    shows the days just past, is not rewritten by an edit set later: a coach saw last week 'shortened')."""
    return [o for o in overrides if o.created_at is None or o.created_at.astimezone().date() <= as_of]


def max_weekly_km(overrides: Sequence[PlanOverride]) -> float | None:
    """The lowest weekly-km ceiling among `overrides`, None without one."""
    return min((float(o.max_weekly_km) for o in overrides
                if o.kind is OverrideKind.MAX_WEEKLY_KM and o.max_weekly_km is not None), default=None)
