"""The files of the `batch load` dataset: one fixed Arrow schema per table, and one file per athlete and table.

    DIR/daily/athlete-ana-24d4b96f58da.parquet      (`athlete_file`: the name, escaped, and a hash of it)

Fixed schemas: pandas infers a column's type from its values, so an athlete without runs (empty tables of
untyped columns) or without findings used to write other types than an athlete with them (`load` int64,
`distance_km` text), and a reader of the whole table then failed (ArrowInvalid) or got numbers as text. Every
file is now written with its table's schema below, empty files included; a frame whose columns differ from
the schema is refused (the analysis changed: the schema and docs/batch.md must follow).

No `athlete=NAME` folders: with hive partitioning every reader *infers* the partition column's type from the
folder names, so athletes '007', '12' and '0012' came back as the integers 7, 12 and 12 (two athletes merged,
pandas refused the table). The name is instead a string column inside each file, and the files lie directly
in the table's folder, so a plain read call finds no partition to guess and reads the column as written.
A reader filtering on `athlete` still skips the other athletes' files: each file's statistics hold one name.

Floats are stored as computed (full precision); `kneeguard load --json` rounds them (docs/batch.md).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa

# Bumped whenever the files' layout or schemas change: it is part of each athlete's fingerprint (load.py), so a
# re-run rewrites every athlete in the current format instead of resuming from older files.
DATASET_FORMAT = 2

DAY = pa.timestamp("ms")  # a calendar day at midnight, no time zone (pandas: datetime64[ms])
_ATHLETE = pa.field("athlete", pa.string())
SCHEMAS: dict[str, pa.Schema] = {
    "daily": pa.schema([
        _ATHLETE, ("date", DAY), ("distance_km", pa.float64()), ("duration_min", pa.float64()),
        ("load", pa.float64()), ("runs", pa.int64()), ("is_rest", pa.bool_()), ("load_estimated", pa.bool_()),
    ]),
    "weekly": pa.schema([
        _ATHLETE, ("week_start", DAY), ("iso_week", pa.string()), ("week_end", DAY), ("complete", pa.bool_()),
        ("distance_km", pa.float64()), ("duration_h", pa.float64()), ("runs", pa.int64()), ("load", pa.float64()),
        ("change_pct", pa.float64()), ("longest_run_km", pa.float64()), ("long_run_share", pa.float64()),
    ]),
    "findings": pa.schema([
        _ATHLETE, ("code", pa.string()), ("severity", pa.string()), ("title", pa.string()),
        ("value", pa.float64()), ("value_text", pa.string()), ("threshold", pa.float64()), ("unit", pa.string()),
        # why a finding is doubtful (e.g. a spike with fewer than the window's days of record before it); null: judged
        ("uncertain", pa.string()), ("date", DAY), ("as_of", DAY),
    ]),
}
TABLES = tuple(SCHEMAS)
LEGACY_PREFIX = "athlete="  # the hive folders of format 1


def athlete_file(out: Path, table: str, athlete: str) -> Path:
    """Where `athlete`'s part of `table` lies. The name is percent-escaped so that any name is a valid file name
    and none starts with "." or "_" (readers skip those); the hash keeps 'Ana' and 'ana' apart on a
    case-insensitive filesystem and a long name short. Readers never parse it: the name is in the file."""
    digest = hashlib.sha256(athlete.encode("utf-8")).hexdigest()[:12]
    return out / table / f"athlete-{quote(athlete, safe='')[:80]}-{digest}.parquet"


def write_report(out: Path, athlete: str, report) -> None:
    """The athlete's daily, weekly and findings files, each replaced whole."""
    frames = {"daily": report.daily, "weekly": report.weekly, "findings": findings_frame(report)}
    for table, frame in frames.items():
        write_file(athlete_file(out, table, athlete), to_arrow(_flat(frame), SCHEMAS[table], athlete))


def findings_frame(report):
    import pandas as pd

    findings = report.findings
    return pd.DataFrame({
        "code": [f.code for f in findings],
        "severity": [str(getattr(f.severity, "value", f.severity)) for f in findings],
        "title": [f.title for f in findings],
        "value": [_number(f.measured) for f in findings],
        "value_text": [None if _number(f.measured) is not None or f.measured is None else str(f.measured)
                       for f in findings],
        "threshold": [_number(f.threshold) for f in findings],
        "unit": [f.unit for f in findings],
        "uncertain": [f.uncertain for f in findings],
        "date": [pd.Timestamp(f.on_date or report.as_of) for f in findings],
        "as_of": [pd.Timestamp(report.as_of)] * len(findings),
    })


def _number(value) -> float | None:
    try:
        return None if value is None or isinstance(value, (str, bool)) else float(value)
    except (TypeError, ValueError):
        return None


def _flat(frame):
    """A meaningful index (the day of `daily`, the week of `weekly`) becomes a column."""
    import pandas as pd

    return frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))


def to_arrow(frame, schema: pa.Schema, athlete: str) -> pa.Table:
    """`frame` as a table of exactly `schema`, with `athlete` in every row; each column converted to its
    field's type whatever pandas inferred (an empty frame's columns are untyped objects)."""
    import pandas as pd

    columns = [str(c) for c in frame.columns]
    expected = [name for name in schema.names if name != "athlete"]
    if sorted(columns) != sorted(expected):
        raise ValueError(f"the analysis gave columns {columns}, the dataset's schema has {expected}: "
                         "update batch/load_dataset.py SCHEMAS and docs/batch.md together")
    frame = frame.set_axis(columns, axis=1)
    arrays = [pa.array([athlete] * len(frame), type=pa.string())]
    for field in schema:
        if field.name == "athlete":
            continue
        values = frame[field.name]
        if pa.types.is_timestamp(field.type):
            values = pd.to_datetime(values)
        arrays.append(pa.array(values, type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


def write_file(target: Path, table: pa.Table) -> None:
    import pyarrow.parquet as pq

    target.parent.mkdir(parents=True, exist_ok=True)
    # a hidden temporary name: readers skip it while it is written
    tmp = target.parent / f".{target.stem}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, target)  # readers see the old file or the new one, never half of one


def remove_legacy_folders(out: Path) -> list[Path]:
    """Delete the `athlete=NAME` folders a format-1 run left in `out`: next to the new files they would make
    every reader mix two layouts (and fail). Only folders holding nothing but Parquet and temporary files
    are removed, so nothing a person put there is lost; the removed folders are returned."""
    removed = []
    for table in TABLES:
        folder = out / table
        if not folder.is_dir():
            continue
        for legacy in sorted(folder.glob(f"{LEGACY_PREFIX}*")):
            if legacy.is_dir() and all(p.is_file() and p.suffix in (".parquet", ".tmp") for p in legacy.iterdir()):
                shutil.rmtree(legacy)
                removed.append(legacy)
    return removed
