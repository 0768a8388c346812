"""Sample streams as Parquet files, one per activity, content-addressed.

The key is `<hash[:2]>/<content_hash>-<session_index>.parquet` with the
decoder's content hash, so the same session always maps to the same file:
re-writing it is idempotent, and a file left behind by a rolled-back import is
harmless (it is overwritten, or simply never referenced).

The root is a local folder (the default, `<home>/samples`) or an fsspec URL
(`s3://bucket/kneeguard/samples`, `gcs://...`, `file:///shared/samples`, or
`memory://` in tests), so that the workers of a batch on a cluster can write to
a shared filesystem or object store. A local folder gets the temp file + fsync
+ rename dance below; an object store writes each object whole anyway.
"""
from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path
from typing import Union

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kneeguard.ingest.model import SAMPLE_COLUMNS

_SAFE_HASH = re.compile(r"^[0-9A-Za-z_-]{8,128}$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
Root = Union[str, os.PathLike]  # a folder, or an fsspec URL
# zstd (Arrow's default level) without dictionary pages: sample streams are mostly distinct floats, so the
# dictionary attempt cost a third of the write and made the files larger (issue 18: 3.06 -> 2.35 MB and
# 48 -> 27 ms for the test corpus's 121k samples); values read back are the same.
WRITE_OPTIONS = {"compression": "zstd", "use_dictionary": False}


def is_url(root: Root) -> bool:
    """True for an fsspec URL such as s3://bucket/path (a plain path, even with a drive letter, is not)."""
    return isinstance(root, str) and bool(_URL.match(root))


def samples_key(content_hash: str, session_index: int) -> str:
    if not _SAFE_HASH.match(content_hash):
        raise ValueError(f"content hash {content_hash!r} is not a plain hex/word string")
    if session_index < 0:
        raise ValueError(f"session index must be >= 0, got {session_index}")
    return f"{content_hash[:2].lower()}/{content_hash}-{session_index}.parquet"


def samples_path(root: Path, key: str) -> Path:
    path = (root / key).resolve()
    # Keys come from the database; refuse anything that would leave the folder.
    if root.resolve() not in path.parents:
        raise ValueError(f"sample key {key!r} points outside {root}")
    return path


def _url_of(root: str, key: str) -> str:
    # Keys come from the database; the same refusal as samples_path, on the key's own parts.
    if key.startswith("/") or any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"sample key {key!r} points outside {root}")
    return f"{root.rstrip('/')}/{key}"


def write_samples(root: Root, content_hash: str, session_index: int, frame: pd.DataFrame) -> str | None:
    """Write one activity's samples atomically; returns the key, or None when empty."""
    if frame is None or frame.empty:
        return None
    key = samples_key(content_hash, session_index)
    table = arrow_table(frame)
    if is_url(root):
        import fsspec

        with fsspec.open(_url_of(str(root), key), "wb", auto_mkdir=True) as handle:
            pq.write_table(table, handle, **WRITE_OPTIONS)
        return key
    # samples_key built `key` from a plain word and a number, so it stays under `root` without resolving both
    # (samples_path's check, for keys read from the database, is a tenth of a millisecond of stat calls).
    path = Path(root) / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as handle:
            pq.write_table(table, handle, **WRITE_OPTIONS)
            handle.flush()
            # The row naming this file is committed after this returns; without the flush to disk a crash
            # could leave a committed row pointing at an empty file (a new file's rename does not order
            # its data before later writes). SQLite's own commit is not fsynced here (WAL, synchronous =
            # NORMAL), so this is ~2 ms per activity that buys "no row without its samples".
            os.fsync(handle.fileno())
        # Readers see either no file or the whole file, never a partial one.
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _remove_stale_temporaries(path)
    return key


def _remove_stale_temporaries(path: Path) -> None:
    """Temporary files of `path` left by a process killed while writing it (its pid no longer runs)."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):
        pid = stale.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it runs
        return True
    return True


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table with the contract dtypes, NaN stored as null (as `Table.from_pandas` does).

    A frame that already has only contract columns in contract dtypes (every reader's output) goes straight
    from its numpy columns to Arrow: no normalised copy and no pandas metadata (read_samples does not need it),
    under half the time. Anything else takes the general path."""
    names, arrays = [], []
    for column, series in frame.items():
        if SAMPLE_COLUMNS.get(column) != str(series.dtype):
            break
        names.append(column)
        arrays.append(pa.array(series.array if column == "time" else series.to_numpy(), from_pandas=True))
    else:
        return pa.Table.from_arrays(arrays, names=names)
    return pa.Table.from_pandas(_normalise(frame), preserve_index=False)


def read_samples(root: Root, key: str) -> pd.DataFrame:
    """Read one sample stream back with the dtypes of `SAMPLE_COLUMNS`."""
    if is_url(root):
        import fsspec

        url = _url_of(str(root), key)
        try:
            with fsspec.open(url, "rb") as handle:
                return _normalise(pq.read_table(handle).to_pandas())
        except FileNotFoundError:
            raise FileNotFoundError(f"sample file {key} is missing under {root}") from None
    root = Path(root)
    path = samples_path(root, key)
    if not path.exists():
        raise FileNotFoundError(f"sample file {key} is missing under {root}")
    # One file, read directly: `pq.read_table` goes through pyarrow.dataset (imported on first use), which
    # doubles the time of reading a sample stream.
    with pq.ParquetFile(path) as handle:
        return _normalise(handle.read().to_pandas())


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Known columns get their contract dtype (time in ns UTC); others pass through."""
    out = frame.reset_index(drop=True).copy()
    for column, dtype in SAMPLE_COLUMNS.items():
        if column not in out.columns:
            continue
        if column == "time":
            # Already UTC nanoseconds (every reader's output): pd.to_datetime would still walk it
            # value by value (its cache check), a third of storing a long activity.
            if str(out[column].dtype) != dtype:
                out[column] = pd.to_datetime(out[column], utc=True).astype(dtype)
        elif str(out[column].dtype) != dtype:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(dtype)
    return out
