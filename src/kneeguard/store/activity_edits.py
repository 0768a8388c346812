"""The person's corrections of one activity: sport, title, shoe, "exclude from analysis".

Every analysis reads activities through `queries.activities_frame`, which leaves out excluded ones and
reads the sport stored here, so a correction reaches load analysis, plan, dashboard and report at once.
`edited_at` records the change: a richer copy of the same outing imported later keeps the corrected
sport and title (importer.py), and a re-import of the same file is recognised before it touches the row.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.ingest.sports import CHOOSABLE_SPORTS
from kneeguard.store import athletes, shoes
from kneeguard.store.errors import UnknownActivity
from kneeguard.store.models import Activity, utc_now
from kneeguard.text import without_control_characters

TITLE_MAX = 200


@dataclass(frozen=True)
class ActivityEdit:
    """What the person set. `shoe` None puts the activity back on the shoe rules (default, dates, gear)."""

    sport: str
    title: str
    shoe: str | None
    excluded: bool


def sport_choices(current: str) -> list[str]:
    """The sports offered for an activity: the choosable ones, and its own if it is another."""
    current = (current or "").strip().lower()
    extra = [] if current in CHOOSABLE_SPORTS or not current else [current]  # e.g. 'unknown' until corrected
    return [*CHOOSABLE_SPORTS, *extra]


def edit_activity(session: Session, athlete: athletes.AthleteRef, activity_id: int, edit: ActivityEdit) -> Activity:
    """Apply `edit` to one of the athlete's activities; InvalidInput for a sport or title that cannot be kept."""
    owner = athletes.get(session, athlete)
    row = session.get(Activity, activity_id)
    if row is None or row.athlete_id != owner.id:  # another athlete's id reads as missing
        raise UnknownActivity(f"no activity with id {activity_id} for {owner.name}")
    sport = (edit.sport or "").strip().lower()
    if sport not in sport_choices(row.sport):
        raise InvalidInput(f"unknown sport {edit.sport!r}; choose one of {', '.join(CHOOSABLE_SPORTS)}")
    title = without_control_characters(edit.title or "")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"the title is {len(title)} characters long; at most {TITLE_MAX} fit")
    if sport != row.sport:
        row.sub_sport = ""  # a trail or treadmill sub-sport belongs to the old sport
        row.sport = sport
    row.name = title
    row.excluded = bool(edit.excluded)
    shoes.assign_activities(session, owner, edit.shoe or None, [row.id])  # UnknownShoe names a missing shoe
    row.edited_at = utc_now()
    session.flush()
    return row
