"""Opening the text files the loaders read, with one clear message per problem."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from kneeguard.errors import InvalidInput


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


def read_json_document(path: str | Path, kind: str, error: type[ValueError] = ValueError) -> Any:
    """The parsed JSON of `path`; `error` (a ValueError subclass) naming the file if it is not JSON."""
    path = existing_file(path, kind)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise error(f"{path.name}: not valid JSON ({exc})") from exc
