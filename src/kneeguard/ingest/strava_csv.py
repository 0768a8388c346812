"""Parse `activities.csv` from a Strava bulk export into per-file metadata.

Facts this relies on (see shared evidence/load.md, "Bulk exports"):

* Column names repeat. `Distance` appears twice: the first in the athlete's
  display unit (km or mi), the second in metres. `Elapsed Time`,
  `Max Heart Rate`, `Relative Effort` (and `Commute`) repeat too. A
  `csv.DictReader` silently keeps the last occurrence, so columns are
  addressed by position and occurrence here.
* `Activity Date` is UTC and its format follows the account's locale:
  "Jul 1, 2025, 6:30:00 AM", "1 Oct 2023, 07:30:00", sometimes ISO.
* `Filename` names the activity file relative to the export root, e.g.
  `activities/123.fit.gz`; it is empty for manual activities.
* `Perceived Exertion` is Strava's 1-10 scale when the athlete rated it.

Every failure is a `StravaCsvError` (a `ValueError`); a bad value in one row
never fails the file: the field is left out and the row gets a warning.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

from kneeguard.errors import InvalidInput

__all__ = [
    "StravaCsvError",
    "StravaRow",
    "normalise_sport",
    "parse_activities_csv",
    "parse_strava_date",
]


class StravaCsvError(InvalidInput):
    """activities.csv (or one of its dates) cannot be understood."""


@dataclass(frozen=True)
class StravaRow:
    """One activities.csv row: the file it points at and what we know about it."""

    filename: str  # as written in the CSV, relative to the export root; "" = manual activity
    metadata: dict = field(default_factory=dict)  # Source.metadata keys, only those known
    warnings: tuple[str, ...] = ()


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_TIME = (
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?"
)
# Each pattern fully matches one locale's style; ambiguous numeric d/m/y with
# slashes is deliberately absent: guessing would silently shift dates.
_DATE_PATTERNS = [
    re.compile(r"(?P<mon>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}),? (?P<y>\d{4}),? " + _TIME),
    re.compile(r"(?P<d>\d{1,2})\.? (?P<mon>[A-Za-z]{3,9})\.? (?P<y>\d{4}),? " + _TIME),
    re.compile(r"(?P<d>\d{1,2})\.(?P<mo>\d{1,2})\.(?P<y>\d{4}),? " + _TIME),
    re.compile(r"(?P<y>\d{4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2}),? " + _TIME),
]


def parse_strava_date(text: str) -> dt.datetime:
    """An `Activity Date` as a timezone-aware UTC datetime (Strava writes UTC)."""
    # Newer locale data puts narrow/no-break spaces before AM/PM.
    clean = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    if not clean:
        raise StravaCsvError("empty date")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(clean)
        if match:
            return _from_match(match, text)
    try:
        parsed = dt.datetime.fromisoformat(clean)
    except ValueError:
        raise StravaCsvError(f"unrecognised date {text!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


def _from_match(match: re.Match, original: str) -> dt.datetime:
    parts = match.groupdict()
    if parts.get("mon") is not None:
        month = _MONTHS.get(parts["mon"].lower())
        if month is None:
            raise StravaCsvError(f"unknown month in date {original!r}")
    else:
        month = int(parts["mo"])
    hour = int(parts["h"])
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            raise StravaCsvError(f"bad 12-hour time in date {original!r}")
        hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
    try:
        return dt.datetime(
            int(parts["y"]), month, int(parts["d"]), hour, int(parts["mi"]),
            int(parts["s"] or 0), tzinfo=dt.timezone.utc,
        )
    except ValueError as exc:
        raise StravaCsvError(f"impossible date {original!r}: {exc}") from None


# Strava activity types (display names and API CamelCase, compacted) -> our sports,
# named like FIT sports so Strava and device files agree.
_SPORTS = {
    "run": "running", "trailrun": "running", "virtualrun": "running",
    "ride": "cycling", "virtualride": "cycling", "mountainbikeride": "cycling",
    "gravelride": "cycling", "ebikeride": "cycling", "emountainbikeride": "cycling",
    "velomobile": "cycling", "handcycle": "cycling",
    "walk": "walking", "hike": "hiking", "swim": "swimming",
    "rowing": "rowing", "virtualrow": "rowing",
    "nordicski": "cross_country_skiing", "backcountryski": "cross_country_skiing",
    "alpineski": "alpine_skiing", "snowboard": "snowboarding",
    "weighttraining": "strength_training", "workout": "training", "crossfit": "training",
    "hiit": "training", "yoga": "yoga", "pilates": "training",
    "elliptical": "fitness_equipment", "stairstepper": "fitness_equipment",
    "kayaking": "paddling", "canoeing": "paddling",
    "standuppaddling": "stand_up_paddleboarding",
    "inlineskate": "inline_skating", "iceskate": "ice_skating",
}


def normalise_sport(activity_type: str) -> str:
    """'Run' / 'Trail Run' / 'TrailRun' -> 'running'; unknown types become snake_case."""
    compact = re.sub(r"[^a-z0-9]", "", activity_type.lower())
    if compact in _SPORTS:
        return _SPORTS[compact]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", activity_type.strip())
    return "_".join(re.findall(r"[a-z0-9]+", spaced.lower()))


class _Columns:
    """Header positions by name, keeping every occurrence of a repeated name."""

    def __init__(self, header: list[str]):
        self.positions: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            key = " ".join(name.replace("\ufeff", "").split()).lower()
            self.positions.setdefault(key, []).append(index)

    def has(self, name: str, occurrence: int = 0) -> bool:
        return len(self.positions.get(name.lower(), ())) > occurrence

    def get(self, row: list[str], name: str, occurrence: int = 0) -> str:
        found = self.positions.get(name.lower(), ())
        if len(found) <= occurrence or found[occurrence] >= len(row):
            return ""
        return row[found[occurrence]].strip()


def _number(text: str) -> float | None:
    """A float from '36322.8', '1,234.5' or a decimal comma '10,5'; None if blank."""
    if not text:
        return None
    if "," in text and "." not in text and text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise StravaCsvError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise StravaCsvError(f"not a finite number: {text!r}")
    return value


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Hand-edited exports get re-saved by spreadsheets in a legacy code page;
        # latin-1 never fails, and only names/gear could come out garbled.
        return data.decode("latin-1")


def parse_activities_csv(data: bytes | str) -> list[StravaRow]:
    """Rows of a Strava `activities.csv`, in file order.

    Raises StravaCsvError when the text is not such a CSV (no header, no
    `Filename` column, malformed CSV quoting)."""
    text = _decode(data)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise StravaCsvError(f"activities.csv is not valid CSV: {exc}") from None
    records = [record for record in records if any(cell.strip() for cell in record)]
    if not records:
        raise StravaCsvError("activities.csv is empty")
    columns = _Columns(records[0])
    if not columns.has("filename"):
        raise StravaCsvError("activities.csv has no 'Filename' column: not a Strava export index")
    return [_row(columns, record) for record in records[1:]]


def _row(columns: _Columns, record: list[str]) -> StravaRow:
    meta: dict = {"origin": "strava"}
    warnings: list[str] = []
    activity_id = columns.get(record, "activity id")
    if activity_id:
        meta["external_id"] = activity_id
    for column, key in (("activity name", "name"), ("activity gear", "gear")):
        if value := columns.get(record, column):
            meta[key] = value
    if sport := columns.get(record, "activity type"):
        meta["sport"] = normalise_sport(sport)
    if date := columns.get(record, "activity date"):
        try:
            meta["start"] = parse_strava_date(date)
        except StravaCsvError as exc:
            warnings.append(f"activities.csv: {exc}")
    # Only the second Distance column is in metres; with a single column the
    # unit (km or mi) is unknown, so distance is left out rather than guessed.
    if columns.has("distance", 1):
        _put_number(meta, "distance_m", columns.get(record, "distance", 1), warnings,
                    valid=lambda v: v >= 0)
    _put_number(meta, "rpe", columns.get(record, "perceived exertion"), warnings,
                valid=lambda v: 1 <= v <= 10)
    if warnings:
        meta["warnings"] = list(warnings)
    filename = columns.get(record, "filename")
    return StravaRow(filename=filename, metadata=meta, warnings=tuple(warnings))


def _put_number(meta: dict, key: str, text: str, warnings: list[str], valid) -> None:
    try:
        value = _number(text)
    except StravaCsvError as exc:
        warnings.append(f"activities.csv {key}: {exc}")
        return
    if value is None:
        return
    if not valid(value):
        warnings.append(f"activities.csv {key}: out of range ({value:g})")
        return
    meta[key] = value
