"""Batch manifests: a CSV with a header naming at least `athlete` and `path` (extra columns are ignored,
except the optional `view` and `height_cm` of a gait manifest).

Relative paths are relative to the manifest's folder, so a manifest travels with its files. A row without an
athlete or a path is a user error naming the line: a manifest is typed by a person, and guessing whose
files they are would put activities in the wrong history.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from kneeguard.errors import InvalidInput

REQUIRED = ("athlete", "path")


@dataclass(frozen=True)
class ManifestRow:
    """One line of a manifest: whose input, where it is, and (gait) the optional camera view and height."""

    line: int
    athlete: str
    path: Path
    view: str | None = None
    height_cm: float | None = None


class ManifestError(InvalidInput):
    pass


def read_manifest(manifest: Path) -> list[ManifestRow]:
    """The rows of `manifest`, in order; ManifestError for a missing column or an incomplete row."""
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ManifestError(f"{manifest}: not a UTF-8 CSV file") from None
    reader = csv.DictReader(text.splitlines())
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ManifestError(f"{manifest}: the header must name the columns {', '.join(REQUIRED)} "
                            f"(missing: {', '.join(missing)})")
    folder = manifest.resolve().parent
    rows = []
    for raw in reader:
        line = reader.line_num  # blank lines are skipped but counted
        record = {str(k).strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(record.values()):
            continue  # a blank line
        athlete, path = record.get("athlete", ""), record.get("path", "")
        if not athlete or not path:
            raise ManifestError(f"{manifest}, line {line}: every row needs an athlete and a path")
        rows.append(ManifestRow(line, athlete, folder / Path(path).expanduser(), record.get("view") or None,
                                _height(record.get("height_cm", ""), manifest, line)))
    return rows


def _height(text: str, manifest: Path, line: int) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ManifestError(f"{manifest}, line {line}: height_cm {text!r} is not a number") from None
