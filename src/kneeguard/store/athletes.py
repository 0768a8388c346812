"""Athletes: create, look up, update and validate their physiological profile.

Functions take an open session and leave committing to the caller
(`with store.begin() as s: athletes.create(s, "ana")`).
"""
from __future__ import annotations

import datetime as dt
import math
import numbers
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.profile import AthleteProfile
from kneeguard.store.errors import UnknownAthlete
from kneeguard.store.models import Athlete
from kneeguard.text import has_control_characters, one_line

PROFILE_FIELDS = ("sex", "birth_year", "height_cm", "mass_kg", "hr_max", "hr_rest")
SEXES = {"male": "male", "m": "male", "female": "female", "f": "female"}
# Plausible human ranges; anything outside is a typo (cm vs m, bpm vs zone...).
_RANGES: dict[str, tuple[float, float, str]] = {
    "height_cm": (50.0, 260.0, "cm"),
    "mass_kg": (20.0, 350.0, "kg"),
    "hr_max": (100.0, 250.0, "bpm"),
    "hr_rest": (20.0, 120.0, "bpm"),
}
MAX_NAME = 100

AthleteRef = Athlete | str | int


def clean_name(name: str, what: str = "athlete name") -> str:
    """A user-given name (athlete, shoe) stripped of surrounding space, or InvalidInput saying why not.

    Newlines, tabs and terminal escape codes are refused, not stripped: a name is a
    key the user types again, so it must be exactly what they see."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{what} must be a non-empty text")
    name = name.strip()
    if has_control_characters(name):
        raise InvalidInput(f"{what} '{one_line(name)}' contains control characters "
                           "(a newline, tab or terminal escape code); use plain text")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"{what} is longer than {MAX_NAME} characters")
    return name


def validate_profile(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise profile fields; raises ValueError naming the field."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown athlete field(s): {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(PROFILE_FIELDS)}")
    out: dict[str, Any] = {}
    for field, value in values.items():
        if value is None:
            out[field] = None
        elif field == "sex":
            key = str(value).strip().lower()
            if key not in SEXES:
                raise InvalidInput(f"sex must be 'male' or 'female', got {value!r}")
            out[field] = SEXES[key]
        elif field == "birth_year":
            this_year = dt.date.today().year
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1900 <= value <= this_year:
                raise InvalidInput(f"birth year must be a whole year between 1900 and {this_year}, got {value!r}")
            out[field] = int(value)
        else:
            low, high, unit = _RANGES[field]
            number = _number(field, value)
            if not low <= number <= high:
                raise InvalidInput(f"{field} must be between {low:g} and {high:g} {unit}, got {number:g}")
            out[field] = number
    return out


def _number(field: str, value: Any) -> float:
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InvalidInput(f"{field} must be a finite number, got {value!r}")
    return number


def _check_hr_pair(hr_rest: float | None, hr_max: float | None) -> None:
    if hr_rest is not None and hr_max is not None and hr_rest >= hr_max:
        raise InvalidInput(f"resting heart rate ({hr_rest:g}) must be below maximum heart rate ({hr_max:g})")


def find(session: Session, name: str) -> Athlete | None:
    return session.scalar(select(Athlete).where(Athlete.name == name.strip()))


def _spelling(name: str) -> str:
    return " ".join(name.split()).casefold()


def refuse_near_twin(session: Session, name: str, renamed: str | None = None) -> None:
    """A new name that differs from a stored one only in capitals or spaces is a typo, not a second athlete (a
    coach's 'anna' and 'Anna' became two athletes, the runs in one and the check-in in the other)."""
    twins = [n for n in list_names(session) if n not in (name, renamed) and _spelling(n) == _spelling(name)]
    if twins:
        raise InvalidInput(f"athlete {name!r} does not exist, but {twins[0]!r} does: names must match exactly, "
                           f"so use {twins[0]!r}")


def get(session: Session, athlete: AthleteRef) -> Athlete:
    """The athlete by object, name or id; UnknownAthlete when absent."""
    if isinstance(athlete, Athlete):
        return athlete
    if isinstance(athlete, int) and not isinstance(athlete, bool):
        found = session.get(Athlete, athlete)
        if found is None:
            raise UnknownAthlete(f"no athlete with id {athlete}")
        return found
    found = find(session, str(athlete))
    if found is None:
        names = list_names(session)
        known = f"; known: {', '.join(names)}" if names else "; none exist yet (import files or create one)"
        raise UnknownAthlete(f"unknown athlete {str(athlete).strip()!r}{known}")
    return found


def create(session: Session, name: str, **fields: Any) -> Athlete:
    name = clean_name(name)
    if find(session, name) is not None:
        raise InvalidInput(f"athlete {name!r} already exists")
    refuse_near_twin(session, name)
    values = validate_profile(fields)
    _check_hr_pair(values.get("hr_rest"), values.get("hr_max"))
    athlete = Athlete(name=name, **values)
    session.add(athlete)
    session.flush()
    return athlete


def get_or_create(session: Session, name: str) -> Athlete:
    name = clean_name(name)
    found = find(session, name)
    if found is not None:
        return found
    refuse_near_twin(session, name)
    try:
        with session.begin_nested():  # a savepoint: a lost race must not spoil the caller's transaction
            athlete = Athlete(name=name)
            session.add(athlete)
            session.flush()
        return athlete
    except IntegrityError:
        # A concurrent import created the same athlete first: use theirs.
        found = find(session, name)
        if found is None:
            raise
        return found


def update(session: Session, athlete: AthleteRef, **changes: Any) -> Athlete:
    """Set the given profile fields (None clears one); `name=` renames."""
    target = get(session, athlete)
    new_name = changes.pop("name", None)
    values = validate_profile(changes)
    merged = {f: getattr(target, f) for f in ("hr_rest", "hr_max")} | values
    _check_hr_pair(merged["hr_rest"], merged["hr_max"])
    if new_name is not None:
        new_name = clean_name(new_name)
        if new_name != target.name and find(session, new_name) is not None:
            raise InvalidInput(f"athlete {new_name!r} already exists")
        refuse_near_twin(session, new_name, renamed=target.name)  # 'anna' may become 'Anna', not 'Ben' 'ben'
        target.name = new_name
    for field, value in values.items():
        setattr(target, field, value)
    session.flush()
    return target


def in_use_since(session: Session, athlete: AthleteRef) -> dt.date:
    """The first day the athlete used kneeguard: created, or the earliest check-in or ticked session (a check-in
    or tick may be dated before the athlete's row was created, e.g. answers entered afterwards). Days before it
    had no plan, so nothing on them was missed."""
    from kneeguard.store.models import Checkin, PlanCompletion

    row = get(session, athlete)
    # the earliest of each in the database (every plan page asks: no check-in record is read into Python);
    # a check-in's own date is the day its answers are for (one entered later keeps it), ISO text sorting as dates
    first_recorded, first_answered = session.execute(
        select(func.min(Checkin.recorded_at), func.min(Checkin.record["date"].as_string()))
        .where(Checkin.athlete_id == row.id)).one()
    first_tick = session.scalar(select(func.min(PlanCompletion.day)).where(PlanCompletion.athlete_id == row.id))
    days = [row.created_at.date() if row.created_at else dt.date.today()]
    days += [first_recorded.date()] if first_recorded else []
    days += [first_tick] if first_tick else []
    try:
        days += [dt.date.fromisoformat(str(first_answered)[:10])] if first_answered else []
    except ValueError:  # not a date: the other days decide
        pass
    return min(days)


def list_athletes(session: Session) -> list[Athlete]:
    return list(session.scalars(select(Athlete).order_by(func.lower(Athlete.name), Athlete.id)))


def most_recently_active(session: Session) -> str | None:
    """The athlete whose data is newest (a run, a check-in or a gait session), None when nobody has any.

    The web app opens on this athlete when no choice was made, so a data folder with one
    athlete's history (the demo's) does not open on an empty default athlete.
    """
    from kneeguard.store.models import Activity, Checkin, GaitSession

    latest = None
    for model, when in ((Activity, Activity.start_utc), (Checkin, Checkin.recorded_at),
                        (GaitSession, GaitSession.recorded_at)):
        row = session.execute(select(Athlete.name, when).join(model, model.athlete_id == Athlete.id)
                              .order_by(when.desc(), Athlete.id).limit(1)).first()
        if row is not None and (latest is None or row[1] > latest[1]):
            latest = row
    return latest[0] if latest is not None else None


def list_names(session: Session) -> list[str]:
    return [a.name for a in list_athletes(session)]


def profile(athlete: Athlete) -> AthleteProfile:
    return AthleteProfile(
        name=athlete.name,
        sex=athlete.sex,
        birth_year=athlete.birth_year,
        height_cm=athlete.height_cm,
        mass_kg=athlete.mass_kg,
        hr_max=athlete.hr_max,
        hr_rest=athlete.hr_rest,
    )
