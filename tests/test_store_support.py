"""Shared fixtures and builders for the store tests (imported by test_store_*.py).

`store` runs each test on SQLite and, when KNEEGUARD_TEST_PG_URL is set, on
PostgreSQL too, each test in a schema of its own (safe under pytest-xdist).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kneeguard.ingest.model import IngestError, ParsedActivity, ParsedFile
from kneeguard.store import open_store

UTC = dt.timezone.utc
PG_ENV = "KNEEGUARD_TEST_PG_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield None  # open_store's default: SQLite file under home
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} not set")
    schema = f"kgtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url, tmp_path):
    opened = open_store(url=store_url, home=tmp_path / "home")
    yield opened
    opened.close()


@pytest.fixture
def two_athletes(store_url, tmp_path):
    """A store like `store` with athletes "ana" and "bob" (scoping tests: one never sees the other's rows)."""
    from kneeguard.store import athletes

    opened = open_store(url=store_url, home=tmp_path / "home")
    with opened.write() as s:
        athletes.get_or_create(s, "ana")
        athletes.get_or_create(s, "bob")
    yield opened
    opened.close()


@dataclass
class FakeSource:
    """Stands in for kneeguard.ingest.sources.Source."""

    name: str
    data: bytes
    metadata: dict[str, Any] = field(default_factory=dict)

    def read(self) -> bytes:
        return self.data


@dataclass
class FakeSourceError:
    name: str
    problem: str


def samples_frame(start: dt.datetime, n: int = 5, hr: float = 120.0) -> pd.DataFrame:
    return pd.DataFrame({
        "time": pd.date_range(start, periods=n, freq="1s"),
        "distance_m": np.arange(n, dtype=float) * 3.0,
        "heart_rate_bpm": hr + np.arange(n, dtype=float),
    })


def activity(start: dt.datetime, sport: str = "running", distance_m: float | None = 10_000.0,
             session_index: int = 0, samples: bool = True, timer_s: float | None = 3000.0,
             elapsed_s: float | None = 3100.0, **extra: Any) -> ParsedActivity:
    return ParsedActivity(
        sport=sport, start=start, distance_m=distance_m, timer_s=timer_s, elapsed_s=elapsed_s,
        avg_hr=140.0, session_index=session_index,
        samples=samples_frame(start) if samples else pd.DataFrame(), **extra,
    )


class Decoder:
    """A fake `read_bytes`: maps file bytes to ParsedFiles, counting calls.
    Unknown bytes raise IngestError; b"boom" raises a non-IngestError bug."""

    def __init__(self) -> None:
        self.files: dict[bytes, tuple[list[ParsedActivity], str | None]] = {}
        self.calls = 0

    def add(self, data: bytes, *activities: ParsedActivity, skipped: str | None = None) -> FakeSource:
        self.files[data] = (list(activities), skipped)
        return FakeSource(f"{data.decode()}.fit", data)

    def __call__(self, name: str, data: bytes) -> ParsedFile:
        self.calls += 1
        if data == b"boom":
            raise ZeroDivisionError("division by zero")
        if data not in self.files:
            raise IngestError(name, "not a FIT, GPX or TCX file")
        activities, skipped = self.files[data]
        # Fresh copies: the importer may fill fields from metadata.
        copies = [ParsedActivity(**{**a.__dict__, "warnings": list(a.warnings)}) for a in activities]
        return ParsedFile(source=name, content_hash=hashlib.sha256(data).hexdigest(), format="fit",
                          activities=copies, skipped_reason=skipped)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)
