"""Check-ins and gait sessions: JSON documents kept per athlete in the database.

Functions take an open session and leave committing to the caller
(`with store.write() as s: records.save_checkin(s, "ana", rec.to_dict(), now)`).
Saving creates the athlete on first use (by name); reading needs one that
exists and raises UnknownAthlete otherwise, like the rest of the store.

Documents are stored as their JSON form: what `list_*` returns equals
`json.loads(json.dumps(document))`. Tuples come back as lists, non-text keys as
text; NaN and infinity are refused because PostgreSQL's JSON type has no
spelling for them.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.store import athletes
from kneeguard.store.errors import NotFoundError, UnknownAthlete
from kneeguard.store.models import Athlete, Checkin, GaitSession, utc_now

AthleteRef = athletes.AthleteRef


class UnknownGaitSession(NotFoundError):
    pass


def save_checkin(session: Session, athlete: AthleteRef, record: dict[str, Any],
                 recorded_at: dt.datetime | None = None) -> int:
    """Store one completed check-in; returns its id. `recorded_at` defaults to now."""
    return _added(session, Checkin(athlete_id=_athlete_for_write(session, athlete).id,
                                   recorded_at=recorded_at or utc_now(), record=_plain_json(record, "check-in record")))


def list_checkins(session: Session, athlete: AthleteRef) -> list[dict[str, Any]]:
    """The athlete's check-ins, oldest first: dicts of id, athlete, recorded_at, record."""
    found, rows = _oldest_first(session, Checkin, athlete)
    return [{"id": r.id, "athlete": found.name, "recorded_at": r.recorded_at, "record": r.record} for r in rows]


def save_gait_session(session: Session, athlete: AthleteRef, summary: dict[str, Any],
                      recorded_at: dt.datetime | None = None, source: str = "", input_hash: str | None = None) -> int:
    """Store one gait analysis summary; returns its id. `recorded_at` defaults to now.

    `input_hash` (batch runs) is unique per athlete: storing the same fingerprint twice raises IntegrityError."""
    return _added(session, GaitSession(athlete_id=_athlete_for_write(session, athlete).id,
                                       recorded_at=recorded_at or utc_now(), source=source or "",
                                       input_hash=input_hash, summary=_plain_json(summary, "gait summary")))


def gait_input_hashes(session: Session, athlete_id: int) -> set[str]:
    """The fingerprints of the athlete's batch-analysed gait sessions (what a re-run skips)."""
    return set(session.scalars(select(GaitSession.input_hash).where(
        GaitSession.athlete_id == athlete_id, GaitSession.input_hash.is_not(None))))


def list_gait_sessions(session: Session, athlete: AthleteRef) -> list[dict[str, Any]]:
    """The athlete's gait sessions, oldest first (see `get_gait_session` for the keys)."""
    found, rows = _oldest_first(session, GaitSession, athlete)
    return [_gait_dict(r, found.name) for r in rows]


def get_gait_session(session: Session, session_id: int, athlete: AthleteRef | None = None) -> dict[str, Any]:
    """One gait session: id, athlete, recorded_at, source, summary; UnknownGaitSession when absent.

    With `athlete`, a session of anyone else is absent too (the web app looks ids up this way).
    """
    row = session.get(GaitSession, session_id)
    if row is not None and athlete is not None and row.athlete_id != _athlete_id_or_none(session, athlete):
        row = None
    if row is None:
        raise UnknownGaitSession(f"no gait session with id {session_id}")
    return _gait_dict(row, session.get(Athlete, row.athlete_id).name)


def _gait_dict(row: GaitSession, athlete_name: str) -> dict[str, Any]:
    return {"id": row.id, "athlete": athlete_name, "recorded_at": row.recorded_at,
            "source": row.source, "summary": row.summary}


def _athlete_id_or_none(session: Session, athlete: AthleteRef) -> int | None:
    try:
        return athletes.get(session, athlete).id
    except UnknownAthlete:
        return None


def _athlete_for_write(session: Session, athlete: AthleteRef) -> Athlete:
    # An id (or object) must already exist; a name is created on first use.
    if isinstance(athlete, (Athlete, int)) and not isinstance(athlete, bool):
        return athletes.get(session, athlete)
    return athletes.get_or_create(session, str(athlete))


def _added(session: Session, row: Checkin | GaitSession) -> int:
    session.add(row)
    session.flush()
    return row.id


def _oldest_first(session: Session, model: type[Checkin] | type[GaitSession], athlete: AthleteRef):
    """The athlete and their rows of `model`, oldest recorded first."""
    found = athletes.get(session, athlete)
    return found, session.scalars(select(model).where(model.athlete_id == found.id)
                                  .order_by(model.recorded_at, model.id))


def _plain_json(document: dict[str, Any], what: str) -> dict[str, Any]:
    """The document as JSON will read it back, so what is stored is what returns."""
    if not isinstance(document, dict):
        raise TypeError(f"{what} must be a dict, got {type(document).__name__}")
    try:
        return json.loads(json.dumps(document, allow_nan=False))
    except ValueError as exc:  # NaN / infinity, or a circular reference
        raise ValueError(f"{what} is not storable as JSON: {exc}") from None
    except TypeError as exc:  # e.g. a datetime or numpy value: the caller must convert it
        raise TypeError(f"{what} is not storable as JSON: {exc}") from None
