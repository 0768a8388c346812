"""Check-in history per athlete, and trends over it as Findings.

Completed check-ins live in the database (`kneeguard.store.records`, table
``checkins``; the record is `CheckinRecord.to_dict()`). An interview in progress
stays a file, ``<home>/checkins/<athlete>/partial.json``, so Ctrl-C can save it
without a database round trip and `kneeguard checkin` can resume it.
Functions take an open `Store`, or open (and close) one under `home`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kneeguard import evidence
from kneeguard.clinic import codes
from kneeguard.clinic.ostrc import score_ostrc
from kneeguard.findings import Finding, Severity, make_finding
from kneeguard.store.config import DEFAULT_ATHLETE, home_dir

if TYPE_CHECKING:
    from kneeguard.store.db import Store

PARTIAL = "partial.json"
BASELINE_CHECKINS = 4  # earlier check-ins that make the next-morning baseline


@dataclass(frozen=True)
class CheckinRecord:
    on_date: dt.date
    answers: dict[str, Any]
    level: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.on_date.isoformat(), "answers": self.answers, "level": self.level}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckinRecord":
        return cls(dt.date.fromisoformat(data["date"]), dict(data["answers"]), data.get("level"))

    @property
    def pain(self) -> float | None:
        """The worse of pain now and during running: the number trends follow."""
        scores = [self.answers.get(k) for k in ("pain_now", "pain_during_run")]
        scores = [s for s in scores if s is not None]
        if self.answers.get("has_pain") is False:
            return 0
        return max(scores) if scores else None


def athlete_dir(athlete: str | None = None, home: str | os.PathLike[str] | None = None) -> Path:
    name = athlete or DEFAULT_ATHLETE
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")
    if not slug:
        raise ValueError(f"athlete name {name!r} has no usable characters")
    return home_dir(home) / "checkins" / slug


def save_checkin(record: CheckinRecord, athlete: str | None = None, home=None, now: dt.datetime | None = None,
                 *, store: Store | None = None) -> int:
    """Store a completed check-in in the database; returns its id. A naive `now` is local time."""
    from kneeguard.store import records

    recorded_at = (now or dt.datetime.now()).astimezone()
    with _opened(store, home) as opened, opened.write() as session:
        return records.save_checkin(session, athlete or DEFAULT_ATHLETE, record.to_dict(), recorded_at)


def load_checkins(athlete: str | None = None, home=None, *, store: Store | None = None) -> list[CheckinRecord]:
    """All stored check-ins, oldest first; a malformed record is skipped, never fatal."""
    from kneeguard.store import UnknownAthlete, records

    with _opened(store, home) as opened, opened.session() as session:
        try:
            rows = records.list_checkins(session, athlete or DEFAULT_ATHLETE)
        except UnknownAthlete:
            return []  # no check-in saved yet
    out = []
    for row in rows:
        try:
            out.append(CheckinRecord.from_dict(row["record"]))
        except (ValueError, KeyError, TypeError):
            continue  # one damaged record should not hide the others
    return sorted(out, key=lambda r: r.on_date)  # stable: same-day check-ins keep save order


@contextlib.contextmanager
def _opened(store: Store | None, home) -> Iterator[Store]:
    """The caller's store, or one opened under `home` for this call only."""
    if store is not None:
        yield store
        return
    from kneeguard.store import open_store

    with open_store(home=home) as opened:
        yield opened


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


def consecutive_ostrc_substantial(records: list[CheckinRecord]) -> int:
    """How many of the latest weekly OSTRC answers in a row were a substantial problem."""
    window = int(evidence.value("clinic.trend.window_days"))
    count, last_date = 0, None
    for record in reversed(records):
        score = score_ostrc(record.answers)
        if score is None:
            continue
        if last_date is not None and (last_date - record.on_date).days > window:
            break  # a long gap breaks the run of weeks
        if not score.substantial:
            break
        count, last_date = count + 1, record.on_date
    return count


def trend_findings(records: list[CheckinRecord]) -> list[Finding]:
    """Trends up to the latest record (which should include the current check-in)."""
    if not records:
        return []
    latest = records[-1]
    out = _worse_over_window(records, latest) + _morning_above_baseline(records, latest)
    weeks = consecutive_ostrc_substantial(records)
    if weeks:
        rule = evidence.rule("clinic.triage.ostrc_two_weeks")
        two = weeks >= rule.value
        out.append(make_finding(
            codes.OSTRC_SUBSTANTIAL, Severity.HIGH if two else Severity.MODERATE,
            "OSTRC substantial problem" + (f", {weeks} weeks running" if two else " this week"),
            "The weekly OSTRC questionnaire shows a moderate or severe reduction in training or performance, or "
            "no participation." + (" Two weeks in a row means a professional should examine it." if two else ""),
            measured=weeks, threshold=rule.value, unit="weeks", rule=rule,
            extra_citations=evidence.rule("clinic.ostrc.substantial").citations, on_date=latest.on_date))
    return out


def _worse_over_window(records: list[CheckinRecord], latest: CheckinRecord) -> list[Finding]:
    window = int(evidence.value("clinic.trend.window_days"))
    change = evidence.rule("clinic.trend.pain_change")
    start = latest.on_date - dt.timedelta(days=window)
    earlier = [r for r in records[:-1] if start <= r.on_date < latest.on_date and r.pain is not None]
    if not earlier or latest.pain is None:
        return []
    rise = latest.pain - earlier[0].pain
    if rise < change.value:
        return []
    return [make_finding(
        codes.WORSE_OVER_TWO_WEEKS, Severity.MODERATE, "Pain worse over two weeks",
        f"Pain rose from {earlier[0].pain} on {earlier[0].on_date.isoformat()} to {latest.pain} now: a rise of "
        f"{change.value} points or more is one people feel as clearly worse.",
        measured=rise, threshold=change.value, unit="points", rule=change, on_date=latest.on_date)]


def _morning_above_baseline(records: list[CheckinRecord], latest: CheckinRecord) -> list[Finding]:
    rise = evidence.rule("clinic.trend.morning_rise")
    now = latest.answers.get("pain_next_morning")
    before = [r.answers.get("pain_next_morning") for r in records[:-1]]
    before = [b for b in before if b is not None][-BASELINE_CHECKINS:]
    if now is None or not before:
        return []
    baseline = statistics.median(before)
    if now - baseline < rise.value:
        return []
    return [make_finding(
        codes.MORNING_PAIN_ABOVE_BASELINE, Severity.MODERATE, "Next-morning pain above your baseline",
        f"Next-morning pain {now}/10 vs your earlier median of {baseline:g}/10. Pain should settle by the next "
        "morning and not rise week to week: reduce load.",
        measured=now, threshold=baseline + rise.value, unit="/10", rule=rise, on_date=latest.on_date)]
