"""ORM schema. The Alembic migrations in `migrations/versions` must match it
exactly (a test compares them); change both together.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    JSON,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

UTC = dt.timezone.utc

# Explicit constraint names keep migrations portable (SQLite batch mode and
# PostgreSQL need to address constraints by name).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend.

    SQLite has no timezone type and silently drops tzinfo, so values are stored
    as naive UTC there and given tzinfo=UTC back on read; PostgreSQL uses
    timestamptz and returns the session's zone, which is converted to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; kneeguard stores timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sex: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[float | None] = mapped_column(Float)
    mass_kg: Mapped[float | None] = mapped_column(Float)
    hr_max: Mapped[float | None] = mapped_column(Float)
    hr_rest: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        return f"Athlete(id={self.id!r}, name={self.name!r})"


class Shoe(Base):
    __tablename__ = "shoes"
    __table_args__ = (UniqueConstraint("athlete_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    brand: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    start_km: Mapped[float] = mapped_column(Float, default=0.0)
    alert_km: Mapped[float] = mapped_column(Float)
    retired_on: Mapped[dt.date | None] = mapped_column(Date)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"Shoe(id={self.id!r}, name={self.name!r})"


class ShoeAssignment(Base):
    """Runs dated from_date..to_date (inclusive; open-ended when null) were on this shoe."""

    __tablename__ = "shoe_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shoe_id: Mapped[int] = mapped_column(ForeignKey("shoes.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date | None] = mapped_column(Date)


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("athlete_id", "content_hash", "session_index"),
        Index("ix_activities_athlete_id_start_utc", "athlete_id", "start_utc"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    sport: Mapped[str] = mapped_column(String(40))
    sub_sport: Mapped[str] = mapped_column(String(40), default="")
    start_utc: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    distance_m: Mapped[float | None] = mapped_column(Float)
    timer_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    avg_hr: Mapped[float | None] = mapped_column(Float)
    max_hr: Mapped[float | None] = mapped_column(Float)
    avg_cadence_spm: Mapped[float | None] = mapped_column(Float)
    avg_speed_mps: Mapped[float | None] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    device: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str] = mapped_column(Text, default="")
    gear: Mapped[str] = mapped_column(Text, default="")
    rpe: Mapped[float | None] = mapped_column(Float)
    source_name: Mapped[str] = mapped_column(Text)
    # sha256 of the DECODED (decompressed) file, as ParsedFile.content_hash.
    content_hash: Mapped[str] = mapped_column(String(64))
    session_index: Mapped[int] = mapped_column(Integer, default=0)
    samples_key: Mapped[str | None] = mapped_column(String(200))
    hr_histogram: Mapped[bytes | None] = mapped_column(LargeBinary)  # 256 little-endian float32 seconds
    # Explicit per-activity shoe; other rules are resolved at query time (shoes.py).
    shoe_id: Mapped[int | None] = mapped_column(ForeignKey("shoes.id", ondelete="SET NULL"))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings
    # Set by the person (revision 0006): left out of every analysis (a wrong clock, someone else's run).
    excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the person last corrected sport, title, shoe or exclusion; a richer copy imported later keeps
    # their sport and title (store/importer.py), and the web's advice cache sees the change.
    edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The device's laps (ingest/laps.py) as JSON, when the file recorded two or more (revision 0006).
    laps: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Activity(id={self.id!r}, sport={self.sport!r}, start_utc={self.start_utc!r})"


def counted_in_analysis():
    """The one condition that keeps an activity in the analyses (load, plan, dashboard, report, shoe mileage)."""
    return Activity.excluded.is_(False)


class ImportedFile(Base):
    """Every file seen per athlete, so re-imports are recognised before decoding."""

    __tablename__ = "imported_files"
    # The index finds a file imported under another athlete (revision 0008): the unique pair leads with athlete_id.
    __table_args__ = (UniqueConstraint("athlete_id", "content_hash"),
                      Index("ix_imported_files_content_hash", "content_hash"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    # sha256 of the RAW bytes as read (possibly gzipped): known without decoding.
    content_hash: Mapped[str] = mapped_column(String(64))
    # sha256 of the decoded bytes (ParsedFile.content_hash), joins to activities.
    decoded_hash: Mapped[str | None] = mapped_column(String(64))
    source_name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # imported | duplicate | skipped
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the skip reason
    n_activities: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class Checkin(Base):
    """One completed symptom check-in; `record` is `CheckinRecord.to_dict()` as JSON."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_athlete_id_recorded_at", "athlete_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    # Plain JSON (not JSONB on PostgreSQL) keeps key order, so the dict reads back as written.
    record: Mapped[dict[str, Any]] = mapped_column(JSON)


class GaitSession(Base):
    """One analysed gait video or keypoint file; `summary` is the summary.json content."""

    __tablename__ = "gait_sessions"
    __table_args__ = (Index("ix_gait_sessions_athlete_id_recorded_at", "athlete_id", "recorded_at"),
                      UniqueConstraint("athlete_id", "input_hash"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    source: Mapped[str] = mapped_column(Text, default="")  # the video or keypoint file analysed
    # `kneeguard batch gait`: sha256 of the input and the options; one session per athlete and fingerprint.
    input_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"GaitSession(id={self.id!r}, recorded_at={self.recorded_at!r})"


# ---------------------------------------------------------------- web app: accounts, notes, jobs, plan ticks
class User(Base):
    """A web account (multi-user mode). `role`: athlete, clinician, coach or admin.

    An athlete account is bound to one athlete record (`athlete_id`); clinicians and
    coaches see the athletes assigned to them in `user_athletes`; admins see everyone.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, never the password
    role: Mapped[str] = mapped_column(String(16))
    athlete_id: Mapped[int | None] = mapped_column(ForeignKey("athletes.id", ondelete="SET NULL"))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, username={self.username!r}, role={self.role!r})"


class UserAthlete(Base):
    """A clinician or coach assigned to an athlete."""

    __tablename__ = "user_athletes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True)


class AthleteNote(Base):
    """A clinician's or coach's free-text note on an athlete."""

    __tablename__ = "athlete_notes"
    __table_args__ = (Index("ix_athlete_notes_athlete_id_created_at", "athlete_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    text: Mapped[str] = mapped_column(Text)


class Job(Base):
    """A long task (video analysis, large import) run by the background worker.

    `status`: queued, running, done or failed; `progress` 0..1; `result` is the JSON the
    finished job leaves (e.g. the gait session id); `message` the last progress or error line.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_athlete_id_created_at", "athlete_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4 hex, unguessable
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)


class PlanCompletion(Base):
    """A plan session the athlete ticked off, with the pain during it and the next morning (0-10, optional).

    `pain_during` is the column revision 0004 renamed from `pain` ("pain after the session"): it was
    always judged against the acceptable band for pain during activity, so the values keep their meaning.
    """

    __tablename__ = "plan_completions"

    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    session_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    done_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_morning: Mapped[int | None] = mapped_column(Integer)


class PlanOverrideRecord(Base):
    """A clinician's edit of an athlete's plan (kneeguard.advice.overrides.PlanOverride), kept until removed.

    The parameters are typed columns, each used by some kinds only (NULL otherwise); a removed
    edit keeps its row with `removed_at`/`removed_by`, so who changed the plan stays on record.
    """

    __tablename__ = "plan_overrides"
    __table_args__ = (Index("ix_plan_overrides_athlete_id_created_at", "athlete_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utc_now)
    exercise: Mapped[str | None] = mapped_column(String(64))
    new_exercise: Mapped[str | None] = mapped_column(String(64))
    sets: Mapped[int | None] = mapped_column(Integer)
    reps: Mapped[str | None] = mapped_column(String(16))
    per_week: Mapped[int | None] = mapped_column(Integer)
    max_weekly_km: Mapped[float | None] = mapped_column(Float)
    start_day: Mapped[dt.date | None] = mapped_column(Date)
    end_day: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    removed_by: Mapped[str | None] = mapped_column(String(80))
