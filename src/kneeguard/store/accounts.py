"""Web accounts for multi-user mode: users, argon2id passwords, athlete assignments, access.

Who sees which athlete:
    athlete    only the athlete record the account is bound to (`users.athlete_id`)
    clinician, coach
               the athletes assigned to them (`user_athletes`)
    admin      every athlete

Functions take an open session and leave committing to the caller
(`with store.write() as s: accounts.create_user(s, "ana", pw, "athlete", athlete="ana")`).
Usernames are kept in lower case, so "Ana" and "ana" are one account.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kneeguard.errors import InvalidInput
from kneeguard.store import athletes
from kneeguard.store.errors import NotFoundError
from kneeguard.store.models import Athlete, User, UserAthlete

ROLES = ("athlete", "clinician", "coach", "admin")
ASSIGNABLE_ROLES = ("clinician", "coach")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 is slow by design: an unbounded input would be a cheap way to load the server
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,79}$")

# argon2-cffi's defaults are the RFC 9106 "low memory" profile (argon2id, 64 MiB, 3 passes).
_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("kneeguard-no-such-user")


class UnknownUser(NotFoundError):
    pass


class AccountRef(Protocol):
    """What access checks need from an account: a `User` row or the web app's signed-in user."""

    id: int
    role: str
    athlete_id: int | None


@dataclass(frozen=True)
class UserSummary:
    username: str
    role: str
    athlete: str | None  # the bound athlete of an athlete account
    assigned: tuple[str, ...]  # athletes assigned to a clinician or coach
    disabled: bool


def clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput("a username is 1-80 characters: letters, digits and . _ @ + - "
                         f"(starting with a letter or digit), got {username!r}")
    return name


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"the password must have at most {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def _check_role(role: str) -> str:
    cleaned = (role or "").strip().lower()
    if cleaned not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return cleaned


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == (username or "").strip().lower()))


def get_user(session: Session, username: str) -> User:
    found = find_user(session, username)
    if found is None:
        raise UnknownUser(f"no account named {username.strip().lower()!r} (see `kneeguard users list`)")
    return found


def create_user(session: Session, username: str, password: str, role: str,
                athlete: athletes.AthleteRef | None = None) -> User:
    """A new account. An athlete account is bound to `athlete` (created when missing; the
    username when not given); for a clinician or coach, `athlete` is a first assignment."""
    name, role = clean_username(username), _check_role(role)
    if find_user(session, name) is not None:
        raise InvalidInput(f"an account named {name!r} already exists")
    if role == "admin" and athlete is not None:
        raise InvalidInput("an admin sees every athlete; do not give --athlete")
    user = User(username=name, password_hash=hash_password(password), role=role, disabled=False)
    if role == "athlete":
        user.athlete_id = _athlete_row(session, athlete if athlete is not None else name, create=True).id
    session.add(user)
    session.flush()
    if role in ASSIGNABLE_ROLES and athlete is not None:
        assign(session, name, athlete)
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def set_disabled(session: Session, username: str, disabled: bool) -> User:
    user = get_user(session, username)
    user.disabled = disabled
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled account whose password matches, else None (the same work either way)."""
    usable = isinstance(password, str) and 0 < len(password) <= MAX_PASSWORD
    user = find_user(session, username) if usable else None
    stored = user.password_hash if user is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password if usable else "-")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):  # hashing parameters were raised since
        user.password_hash = _hasher.hash(password)
        session.flush()
    return user


def assign(session: Session, username: str, athlete: athletes.AthleteRef) -> bool:
    """Assign an athlete to a clinician or coach; False when it already was."""
    user = get_user(session, username)
    if user.role not in ASSIGNABLE_ROLES:
        raise InvalidInput(f"only clinicians and coaches get assigned athletes; {user.username!r} is {user.role!r}"
                         + (" and sees every athlete" if user.role == "admin" else ""))
    row = _athlete_row(session, athlete)
    if session.get(UserAthlete, (user.id, row.id)) is not None:
        return False
    session.add(UserAthlete(user_id=user.id, athlete_id=row.id))
    session.flush()
    return True


def unassign(session: Session, username: str, athlete: athletes.AthleteRef) -> bool:
    """Remove an assignment; False when there was none."""
    user = get_user(session, username)
    row = _athlete_row(session, athlete)
    result = session.execute(delete(UserAthlete).where(UserAthlete.user_id == user.id,
                                                       UserAthlete.athlete_id == row.id))
    return bool(result.rowcount)


def visible_athletes(session: Session, user: AccountRef) -> list[Athlete]:
    """The athletes this account may see, sorted by name."""
    query = select(Athlete).order_by(func.lower(Athlete.name), Athlete.id)
    if user.role == "admin":
        return list(session.scalars(query))
    if user.role == "athlete":
        if user.athlete_id is None:
            return []
        return list(session.scalars(query.where(Athlete.id == user.athlete_id)))
    if user.role in ASSIGNABLE_ROLES:
        assigned = select(UserAthlete.athlete_id).where(UserAthlete.user_id == user.id)
        return list(session.scalars(query.where(Athlete.id.in_(assigned))))
    return []


def can_access(session: Session, user: AccountRef, athlete: athletes.AthleteRef) -> bool:
    """May this account see (and act for) this athlete? False for athletes that do not exist."""
    row = athlete if isinstance(athlete, Athlete) else _find_athlete(session, athlete)
    if row is None:
        return False
    if user.role == "admin":
        return True
    if user.role == "athlete":
        return user.athlete_id == row.id
    if user.role in ASSIGNABLE_ROLES:
        return session.get(UserAthlete, (user.id, row.id)) is not None
    return False


def count_users(session: Session, *, enabled_only: bool = True) -> int:
    query = select(func.count()).select_from(User)
    if enabled_only:
        query = query.where(User.disabled.is_(False))
    return int(session.scalar(query) or 0)


def list_users(session: Session) -> list[UserSummary]:
    names = {row.id: row.name for row in session.execute(select(Athlete.id, Athlete.name))}
    assigned: dict[int, list[str]] = {}
    for user_id, athlete_id in session.execute(select(UserAthlete.user_id, UserAthlete.athlete_id)):
        assigned.setdefault(user_id, []).append(names[athlete_id])
    return [UserSummary(username=u.username, role=u.role, athlete=names.get(u.athlete_id),
                        assigned=tuple(sorted(assigned.get(u.id, []), key=str.lower)), disabled=u.disabled)
            for u in session.scalars(select(User).order_by(User.username))]


def _find_athlete(session: Session, athlete: athletes.AthleteRef) -> Athlete | None:
    if isinstance(athlete, int) and not isinstance(athlete, bool):
        return session.get(Athlete, athlete)
    return athletes.find(session, str(athlete))


def _athlete_row(session: Session, athlete: athletes.AthleteRef, *, create: bool = False) -> Athlete:
    if create and isinstance(athlete, str):
        return athletes.get_or_create(session, athlete)
    return athletes.get(session, athlete)
