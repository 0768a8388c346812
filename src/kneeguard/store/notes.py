"""Clinician and coach notes per athlete: free text with an author and a time.

Who may write or read is the web layer's decision (see docs/web.md); the store only
keeps the notes. Functions take an open session and leave committing to the caller.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.store import athletes
from kneeguard.store.models import AthleteNote

MAX_NOTE = 10_000
MAX_AUTHOR = 80
LOCAL_AUTHOR = "local"  # single-user mode has no accounts


@dataclass(frozen=True)
class Note:
    id: int
    athlete: str
    author: str
    created_at: dt.datetime
    text: str


def add_note(session: Session, athlete: athletes.AthleteRef, author: str, text: str,
             created_at: dt.datetime | None = None) -> Note:
    """Store a note on an existing athlete; ValueError for empty or overlong text."""
    body = (text or "").strip()
    if not body:
        raise InvalidInput("the note is empty")
    if len(body) > MAX_NOTE:
        raise InvalidInput(f"a note has at most {MAX_NOTE} characters, this one has {len(body)}")
    who = (author or "").strip()[:MAX_AUTHOR] or LOCAL_AUTHOR
    row = athletes.get(session, athlete)
    note = AthleteNote(athlete_id=row.id, author=who, text=body)
    if created_at is not None:
        note.created_at = created_at
    session.add(note)
    session.flush()
    return Note(note.id, row.name, note.author, note.created_at, note.text)


def list_notes(session: Session, athlete: athletes.AthleteRef, limit: int | None = None) -> list[Note]:
    """The athlete's notes, newest first."""
    row = athletes.get(session, athlete)
    query = (select(AthleteNote).where(AthleteNote.athlete_id == row.id)
             .order_by(AthleteNote.created_at.desc(), AthleteNote.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    return [Note(n.id, row.name, n.author, n.created_at, n.text) for n in session.scalars(query)]
