"""Engine, sessions and schema migration: `open_store()` is the one way in."""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from kneeguard.errors import InvalidInput
from kneeguard.store import config

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# alembic (≈ 0.15 s to import) is imported only when a store is not yet at the newest revision.
_REVISION_LINE = re.compile(r'^(down_revision|revision) = (?:"([^"]*)"|None)$', re.M)
# Execution option read by the SQLite BEGIN hook: "IMMEDIATE" takes the write
# lock up front so check-then-insert transactions cannot deadlock each other.
BEGIN_MODE = "kneeguard_begin"


@dataclass
class Store:
    """An open kneeguard database plus the folder holding its sample files."""

    url: str = field(repr=False)  # may hold a password; see display_url
    home: Path
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)
    storage_root: str | None = None  # holds samples/ (and batch gait/): a folder or fsspec URL; None: the home

    @property
    def display_url(self) -> str:
        """The URL with any password masked, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def samples_dir(self) -> Path:
        return self.home / config.SAMPLES_DIRNAME

    @property
    def samples_root(self) -> str | Path:
        """Where this store's sample streams live (`samples_dir` unless a storage root was given)."""
        if self.storage_root is None:
            return self.samples_dir
        return f"{self.storage_root.rstrip('/')}/{config.SAMPLES_DIRNAME}"

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A plain session; the caller commits. Use as `with store.session() as s:`."""
        return self.sessions()

    @contextlib.contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """Like `begin`, but on SQLite takes the write lock at BEGIN (waits, then runs
        alone), for transactions that read before they write."""
        with self.sessions() as session:
            session.connection(execution_options={BEGIN_MODE: "IMMEDIATE"})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        kwargs["connect_args"] = {"timeout": 30.0}
        if in_memory:
            # One shared connection, or every session would see its own empty DB.
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        engine = create_engine(url, **kwargs)
        _sqlite_setup(engine, wal=not in_memory)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_setup(engine: Engine, wal: bool) -> None:
    """Real transactions on SQLite: pysqlite's own implicit BEGIN only starts
    before DML, which would leave DDL and leading SELECTs outside the transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA busy_timeout = 30000")
            if wal:
                # Readers (reports) keep working while an import writes.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def _alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def quick_head_revision() -> str | None:
    """The newest revision read from the migration files' `revision = ...` / `down_revision = ...` lines,
    without importing alembic; None when that is not one plain chain (alembic then decides)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_quick_head(engine: Engine) -> bool:
    """True when the database is already at the newest revision, checked without alembic (the usual case:
    every command but the first opens a migrated store); False means "let alembic check"."""
    head = quick_head_revision()
    if head is None:
        return False
    with engine.connect() as conn:
        try:
            stamped = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        except DBAPIError:  # no version table yet (a new store), or no server: alembic creates it or says why
            return False
    return stamped == [head]


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision, in one transaction."""
    if _at_quick_head(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    head = head_revision()
    if current_revision(engine) == head:
        return
    with engine.connect().execution_options(**{BEGIN_MODE: "IMMEDIATE"}) as conn:
        with conn.begin():
            # Re-check under the lock: another process may have just migrated.
            if MigrationContext.configure(conn).get_current_revision() != head:
                command.upgrade(_alembic_config(conn), "head")


def open_store(
    url: str | None = None,
    home: str | os.PathLike[str] | None = None,
    *,
    upgrade: bool = True,
    storage_root: str | os.PathLike[str] | None = None,
) -> Store:
    """Open (creating if needed) the database and sample folder, migrated to head.

    `storage_root` (or $KNEEGUARD_STORAGE_ROOT) puts the sample streams elsewhere: a folder or an fsspec URL."""
    home_path = config.home_dir(home)
    resolved = config.database_url(url, home_path)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        # Only the home is created on demand; a typo in a URL must not build folders.
        if not folder.is_dir() and folder != home_path.expanduser().resolve():
            raise InvalidInput(f"database folder {folder} does not exist (from {parsed.render_as_string()}); "
                               "create it first or choose another database")
    home_path.mkdir(parents=True, exist_ok=True)
    (home_path / config.SAMPLES_DIRNAME).mkdir(exist_ok=True)
    engine = make_engine(resolved)
    try:
        if upgrade:
            migrate(engine)
    except BaseException:
        engine.dispose()
        raise
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    root = None
    if storage_root is not None or os.environ.get(config.STORAGE_ROOT_ENV, "").strip():
        root = config.storage_root(storage_root, home_path)
    return Store(url=resolved, home=home_path, engine=engine, sessions=sessions, storage_root=root)
