"""Where kneeguard keeps its data, and which database it talks to.

Precedence, most specific first:
    home:  explicit argument > $KNEEGUARD_HOME > platformdirs user_data_dir("kneeguard")
    DB:    explicit URL > $KNEEGUARD_DB > SQLite file `kneeguard.db` under home
$KNEEGUARD_DB may also be a plain file path, taken as a SQLite database; an explicit
URL must be a SQLAlchemy URL (a bare word or "" is refused, not taken as a file).
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from kneeguard.errors import InvalidInput

HOME_ENV = "KNEEGUARD_HOME"
DB_ENV = "KNEEGUARD_DB"
STORAGE_ROOT_ENV = "KNEEGUARD_STORAGE_ROOT"
DEFAULT_ATHLETE = "me"
DB_FILENAME = "kneeguard.db"
SAMPLES_DIRNAME = "samples"
URL_EXAMPLES = "sqlite:////path/to/kneeguard.db or postgresql+psycopg://user@host/db"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the SQLite database and the Parquet sample streams."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get(HOME_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("kneeguard"))


def samples_dir(home: str | os.PathLike[str] | None = None) -> Path:
    return home_dir(home) / SAMPLES_DIRNAME


def storage_root(root: str | os.PathLike[str] | None = None,
                 home: str | os.PathLike[str] | None = None) -> str:
    """Where sample streams (`<root>/samples/`) and batch gait outputs (`<root>/gait/`) go: explicit >
    $KNEEGUARD_STORAGE_ROOT > the home. A folder or an fsspec URL (s3://..., gcs://..., file://...)."""
    chosen = str(root).strip() if root is not None else os.environ.get(STORAGE_ROOT_ENV, "").strip()
    if not chosen:
        return str(home_dir(home))
    if "://" in chosen:
        return chosen
    return str(Path(chosen).expanduser())


def database_url(url: str | None = None, home: str | os.PathLike[str] | None = None) -> str:
    """SQLAlchemy URL, e.g. `sqlite:///...` or `postgresql+psycopg://user@host/db`.

    An explicit `url` (the `--db` option) must be a SQLAlchemy URL: an empty one
    or a bare word would silently open a SQLite file in the current folder while
    the samples go to the home, a split store. InvalidInput says why.
    """
    if url is not None:
        return checked_url(url.strip(), "--db")
    chosen = os.environ.get(DB_ENV, "").strip()
    if chosen:
        if "://" in chosen:
            return checked_url(chosen, DB_ENV)
        # A bare path is the friendliest way to point at another SQLite file.
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return f"sqlite:///{(home_dir(home) / DB_FILENAME).resolve()}"


def checked_url(url: str, given_as: str) -> str:
    """`url` if SQLAlchemy can parse it and knows its database kind, else InvalidInput."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if not url:
        raise InvalidInput(f"{given_as} is empty; give a database URL such as {URL_EXAMPLES}")
    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise InvalidInput(f"{given_as} {url!r} is not a database URL this install knows; "
                           f"give one such as {URL_EXAMPLES}") from None
    return url
