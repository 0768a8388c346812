"""The check-in interview in progress: a file, so Ctrl-C saves it without a database round trip.

``<home>/checkins/<athlete>/partial.json`` holds the answers given so far;
`kneeguard checkin` resumes from it and deletes it once the check-in is stored.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from kneeguard.errors import InvalidInput
from kneeguard.store.config import DEFAULT_ATHLETE, home_dir

PARTIAL = "partial.json"


def athlete_dir(athlete: str | None = None, home: str | os.PathLike[str] | None = None) -> Path:
    name = athlete or DEFAULT_ATHLETE
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
    if not slug:
        raise InvalidInput(f"athlete name {name!r} has no usable characters")
    return home_dir(home) / "checkins" / slug


def save_partial(answers: dict[str, Any], athlete: str | None = None, home=None) -> Path:
    folder = athlete_dir(athlete, home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PARTIAL
    _write_atomic(path, {"answers": answers, "saved_at": dt.datetime.now().isoformat(timespec="seconds")})
    return path


def load_partial(athlete: str | None = None, home=None) -> dict[str, Any] | None:
    path = athlete_dir(athlete, home) / PARTIAL
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    answers = data.get("answers") if isinstance(data, dict) else None
    return answers if isinstance(answers, dict) else None


def clear_partial(athlete: str | None = None, home=None) -> None:
    (athlete_dir(athlete, home) / PARTIAL).unlink(missing_ok=True)


def _write_atomic(path: Path, payload: dict[str, Any]) -> None:
    """Write then rename, so Ctrl-C mid-write never leaves half a file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


