"""Where kneeguard keeps its data, and which database it talks to.

Precedence, most specific first:
    home:  explicit argument > $KNEEGUARD_HOME > platformdirs user_data_dir("kneeguard")
    DB:    explicit URL > $KNEEGUARD_DB > SQLite file `kneeguard.db` under home
$KNEEGUARD_DB may also be a plain file path, taken as a SQLite database.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "KNEEGUARD_HOME"
DB_ENV = "KNEEGUARD_DB"
DEFAULT_ATHLETE = "me"
DB_FILENAME = "kneeguard.db"
SAMPLES_DIRNAME = "samples"


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


def database_url(url: str | None = None, home: str | os.PathLike[str] | None = None) -> str:
    """SQLAlchemy URL, e.g. `sqlite:///...` or `postgresql+psycopg://user@host/db`."""
    chosen = (url or "").strip() or os.environ.get(DB_ENV, "").strip()
    if chosen:
        if "://" in chosen:
            return chosen
        # A bare path is the friendliest way to point at another SQLite file.
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return f"sqlite:///{(home_dir(home) / DB_FILENAME).resolve()}"
