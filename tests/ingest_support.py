"""Shared helpers for the reader tests: cached parsing of the real files and UTC times."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from kneeguard.ingest.model import ParsedFile
from kneeguard.ingest.readers import read_path

DATA = Path(__file__).parent / "data" / "activities"


@functools.lru_cache(maxsize=None)
def parsed(relative: str) -> ParsedFile:
    return read_path(DATA / relative)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)
