"""A clinician's edits of an athlete's plan: add, list those in force, remove.

The edits are `kneeguard.advice.overrides.PlanOverride`s (checked there, so CLI, web and library
callers get the same `InvalidInput` messages). Who may edit is the front end's decision (see
docs/web.md); the store keeps the author and time. A removed edit keeps its row, marked removed.
Functions take an open session and leave committing to the caller.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.advice.overrides import DoseChange, OverrideKind, PlanOverride, clean_author
from kneeguard.store import athletes
from kneeguard.store.errors import NotFoundError
from kneeguard.store.models import PlanOverrideRecord, utc_now


class UnknownOverride(NotFoundError):
    pass


def add(session: Session, athlete: athletes.AthleteRef, override: PlanOverride,
        created_at: dt.datetime | None = None) -> PlanOverride:
    """Store a checked edit for an existing athlete; the stored edit (with its id and time) back."""
    edit = override.checked()
    owner = athletes.get(session, athlete)
    dose = edit.dose
    row = PlanOverrideRecord(
        athlete_id=owner.id, kind=edit.kind.value, author=clean_author(edit.author), exercise=edit.exercise,
        new_exercise=edit.new_exercise, sets=dose.sets if dose else None, reps=dose.reps if dose else None,
        per_week=dose.per_week if dose else None, max_weekly_km=edit.max_weekly_km, start_day=edit.start,
        end_day=edit.end, note=(edit.note or "").strip(), created_at=created_at or utc_now())
    session.add(row)
    session.flush()
    return _edit(row)


def list_active(session: Session, athlete: athletes.AthleteRef) -> list[PlanOverride]:
    """The athlete's edits in force, oldest first (the order the engine applies them in)."""
    owner = athletes.get(session, athlete)
    rows = session.scalars(select(PlanOverrideRecord)
                           .where(PlanOverrideRecord.athlete_id == owner.id, PlanOverrideRecord.removed_at.is_(None))
                           .order_by(PlanOverrideRecord.created_at, PlanOverrideRecord.id))
    return [_edit(r) for r in rows]


def athlete_of(session: Session, override_id: int) -> int | None:
    """The athlete id an edit belongs to (None when there is no such edit): for access checks."""
    row = session.get(PlanOverrideRecord, override_id)
    return None if row is None else row.athlete_id


def remove(session: Session, athlete: athletes.AthleteRef, override_id: int, removed_by: str | None = None) -> PlanOverride:
    """Take an edit out of force; UnknownOverride when the athlete has no such edit in force."""
    owner = athletes.get(session, athlete)
    row = session.get(PlanOverrideRecord, override_id)
    if row is None or row.athlete_id != owner.id or row.removed_at is not None:
        raise UnknownOverride(f"{owner.name} has no plan edit #{override_id} in force "
                              "(list them: kneeguard plan edits)")
    row.removed_at, row.removed_by = utc_now(), clean_author(removed_by)
    session.flush()
    return _edit(row)


def _edit(row: PlanOverrideRecord) -> PlanOverride:
    dose = DoseChange(row.sets, row.reps, row.per_week) if row.sets is not None and row.reps is not None else None
    return PlanOverride(OverrideKind(row.kind), row.author, row.exercise, row.new_exercise, dose, row.max_weekly_km,
                        row.start_day, row.end_day, row.note or "", row.id, row.created_at)
