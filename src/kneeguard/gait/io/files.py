"""Opening the text files the loaders read, with one clear message per problem."""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pandas as pd

from kneeguard.errors import InvalidInput
from kneeguard.json_input import MAX_JSON_BYTES, parse_json


def existing_file(path: str | Path, kind: str) -> Path:
    """`path` as a Path; FileNotFoundError naming `kind` (e.g. "force file") when it is not a file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{kind} not found: {path}")
    return path


def read_tab_table(path: str | Path, kind: str, description: str) -> pd.DataFrame:
    """A tab-separated table with stripped column names; ValueError naming the file if it is not one."""
    path = existing_file(path, kind)
    try:
        table = pd.read_csv(path, sep="\t")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(f"{path.name}: not a tab-separated {description} ({exc})") from exc
    table.columns = [str(c).strip() for c in table.columns]
    return table


def read_json_document(path: str | Path, kind: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """The parsed JSON of `path`; `error` (an InvalidInput subclass) naming the file if it is not JSON
    within the size and nesting limits of `kneeguard.json_input`."""
    path = existing_file(path, kind)
    return parse_json(_read_capped(path, kind, error), path.name, error, "JSON")


def _read_capped(path: Path, kind: str, error: type[InvalidInput]) -> bytes:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise error(f"{path.name}: {kind} too large (> {MAX_JSON_BYTES // 2**20} MB)")
    return path.read_bytes()


# What the `c3d` package raises on a damaged or truncated file: struct.error on
# a short read, AssertionError/ValueError/OverflowError on bad headers, Key/IndexError on bad
# parameter blocks. Anything else from it is a bug and stays one.
# Found by fuzzing (issue 14): OverflowError for a header count too large for an
# index, UnboundLocalError for an unknown processor byte (a bug in c3d itself).
C3D_READ_ERRORS = (OSError, EOFError, struct.error, ValueError, AssertionError, KeyError, IndexError,
                   OverflowError, UnboundLocalError)


def unreadable_c3d(path: Path, exc: BaseException) -> InvalidInput:
    """The one-line error for a .c3d the `c3d` package could not parse (no library jargon)."""
    if isinstance(exc, OSError) and not isinstance(exc, EOFError):
        return InvalidInput(f"{path.name}: cannot read ({(exc.strerror or 'read error').lower()})")
    return InvalidInput(f"{path.name}: not a readable C3D file (truncated or damaged)")
