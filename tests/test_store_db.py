"""Configuration, engine, migrations and the UTC datetime type."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from kneeguard.store import config, db
from kneeguard.store.models import Activity, Athlete, Base

UTC = dt.timezone.utc


def test_home_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "env-home"))
    assert config.home_dir() == tmp_path / "env-home"
    assert config.home_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv(config.HOME_ENV)
    assert config.home_dir().name == "kneeguard"


def test_database_url_precedence(monkeypatch, tmp_path):
    monkeypatch.delenv(config.DB_ENV, raising=False)
    default = config.database_url(home=tmp_path)
    assert default == f"sqlite:///{(tmp_path / 'kneeguard.db').resolve()}"
    monkeypatch.setenv(config.DB_ENV, "postgresql+psycopg://u@h/db")
    assert config.database_url(home=tmp_path) == "postgresql+psycopg://u@h/db"
    assert config.database_url("sqlite://", home=tmp_path) == "sqlite://"
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "other.db"))
    assert config.database_url(home=tmp_path) == f"sqlite:///{(tmp_path / 'other.db').resolve()}"


def test_open_store_creates_home_and_migrates(tmp_path):
    home = tmp_path / "deep" / "home"
    with db.open_store(home=home) as store:
        assert (home / "kneeguard.db").exists()
        assert store.samples_dir.is_dir()
        assert db.current_revision(store.engine) == db.head_revision() == "0008"
        tables = set(inspect(store.engine).get_table_names())
    assert {"athletes", "activities", "imported_files", "shoes", "shoe_assignments", "checkins",
            "gait_sessions"} <= tables
    # Re-opening an up-to-date database is a no-op.
    with db.open_store(home=home) as again:
        assert db.current_revision(again.engine) == "0008"


def test_in_memory_sqlite_shares_one_database(tmp_path):
    with db.open_store(url="sqlite://", home=tmp_path) as store:
        with store.begin() as s:
            s.add(Athlete(name="x"))
        with store.session() as s:
            assert s.scalar(select(Athlete.name)) == "x"


def test_migration_matches_orm(store):
    """`alembic check`: after upgrade, autogenerate finds nothing to change."""
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_foreign_keys_enforced(tmp_path):
    with db.open_store(home=tmp_path) as store:
        with store.session() as s:
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_failed_transaction_rolls_back(store):
    with pytest.raises(RuntimeError):
        with store.write() as s:
            s.add(Athlete(name="ghost"))
            s.flush()
            raise RuntimeError("stop")
    with store.session() as s:
        assert s.scalar(select(Athlete).where(Athlete.name == "ghost")) is None


def _roundtrip(store, start: dt.datetime) -> dt.datetime:
    with store.begin() as s:
        athlete = Athlete(name=f"tz{start.timestamp()}")
        s.add(athlete)
        s.flush()
        s.add(Activity(athlete_id=athlete.id, sport="running", start_utc=start, source_name="x",
                       content_hash="0" * 64, session_index=0))
    with store.session() as s:
        return s.scalars(select(Activity.start_utc).where(Activity.athlete_id == athlete.id)).one()


@pytest.mark.parametrize("start", [
    dt.datetime(2024, 3, 31, 0, 59, 59, 999_999, tzinfo=UTC),
    dt.datetime(2021, 7, 4, 9, 30, 0, 123_456, tzinfo=dt.timezone(dt.timedelta(hours=-7))),
    dt.datetime(1999, 12, 31, 23, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=45))),
])
def test_timezone_round_trip_exact(store, start):
    back = _roundtrip(store, start)
    assert back == start  # same instant, to the microsecond
    assert back.utcoffset() == dt.timedelta(0)
    assert back.tzinfo is not None


def test_naive_datetime_rejected(store):
    with pytest.raises(Exception, match="naive datetime"):
        _roundtrip(store, dt.datetime(2024, 1, 1, 12, 0))


def test_migrations_are_packaged():
    versions = Path(db.MIGRATIONS_DIR) / "versions"
    assert (Path(db.MIGRATIONS_DIR) / "env.py").exists()
    assert (versions / "0001_initial.py").exists()


def test_0004_keeps_the_pain_of_old_ticks_as_pain_during(tmp_path):
    """Ticks stored before 0004 had one `pain` ("after the session"): it becomes pain during, and back."""
    from alembic import command

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(db._alembic_config(conn), "0003")
            conn.execute(text("INSERT INTO athletes (name, created_at) VALUES ('ana', '2026-03-01 10:00:00')"))
            conn.execute(text("INSERT INTO plan_completions (athlete_id, day, session_key, done_at, pain) "
                              "VALUES (1, '2026-03-02', 'run', '2026-03-02 10:00:00', 6)"))
        db.migrate(engine)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT pain_during, pain_morning FROM plan_completions")).one()
        assert tuple(row) == (6, None)
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0003")
            assert conn.execute(text("SELECT pain FROM plan_completions")).scalar() == 6
    finally:
        engine.dispose()


def test_the_quick_revision_check_agrees_with_alembic_and_leaves_older_stores_to_it(tmp_path):
    """`open_store` skips alembic (slow to import) only when the store is at the head that alembic names."""
    from alembic import command

    assert db.quick_head_revision() == db.head_revision()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        assert not db._at_quick_head(engine)  # a new database: no version table yet
        with engine.begin() as conn:
            command.upgrade(db._alembic_config(conn), "0003")
        assert not db._at_quick_head(engine)
        db.migrate(engine)
        assert db.current_revision(engine) == db.head_revision()
        assert db._at_quick_head(engine)
    finally:
        engine.dispose()
