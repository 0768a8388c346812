"""Reading JSON a user hands us (answers, keypoints, gait summaries, export indexes).

Python's `json` parser recurses once per nesting level, so `[` repeated 100,000
times ends in RecursionError, and a huge file is held in memory several times
over while parsed. Both limits are checked before parsing, so every bad file is
one `InvalidInput` naming it:

    load_json_file(path, what, error=InvalidInput) -> Any   # a file on disk
    parse_json(data, source, error=InvalidInput) -> Any      # bytes/str already read

`error` lets a caller raise its own `InvalidInput` subclass (e.g. KeypointFileError).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from kneeguard.errors import InvalidInput

# Real documents nest a handful of levels (keypoints: 4, Garmin summaries: 5);
# 100 leaves ample room and stays far below Python's recursion limit (1000).
MAX_JSON_DEPTH = 100
# A 10-minute keypoint file at 60 fps is ~30 MB; parsing costs several times its size.
MAX_JSON_BYTES = 64 * 2**20
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_OPENERS = b"[{"
_CLOSERS = b"]}"


def load_json_file(path: str | Path, what: str, error: type[InvalidInput] = InvalidInput) -> Any:
    """The parsed JSON at `path` (`what` names it, e.g. "answers file"); `error` on any problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise error(f"{path}: {what} too large ({size / 2**20:.0f} MB > {MAX_JSON_BYTES // 2**20} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a {what}") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({(exc.strerror or str(exc)).lower()})") from None
    return parse_json(data, str(path), error, what)


def parse_json(data: bytes | str, source: str | None, error: type[InvalidInput] = InvalidInput,
               what: str = "JSON") -> Any:
    """Parse `data`; `error` naming `source` (when given) if it is not UTF-8 JSON within the limits."""
    at = f"{source}: " if source else ""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_JSON_BYTES:
        raise error(f"{at}{what} too large (> {MAX_JSON_BYTES // 2**20} MB)")
    if nesting_depth(raw) > MAX_JSON_DEPTH:
        raise error(f"{at}not a valid {what} (nested more than {MAX_JSON_DEPTH} levels deep)")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise error(f"{at}not a valid {what} (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise error(f"{at}not a valid {what} ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:  # unreachable after the depth check; kept as a last guard
        raise error(f"{at}not a valid {what} (nested too deeply)") from None


def nesting_depth(raw: bytes) -> int:
    """The deepest [ / { nesting outside strings (an upper bound for invalid JSON)."""
    import numpy as np  # here, not at the top: `kneeguard import` of an empty folder starts without numpy

    structure = np.frombuffer(_STRING.sub(b"", raw), dtype=np.uint8)
    openers, closers = np.frombuffer(_OPENERS, dtype=np.uint8), np.frombuffer(_CLOSERS, dtype=np.uint8)
    steps = np.isin(structure, openers).astype(np.int32) - np.isin(structure, closers).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))
