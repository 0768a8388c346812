"""Find candidate activity files under the paths a user gives.

A path may be a folder (searched recursively, in sorted order, hidden entries
skipped), a single file (always yielded, whatever its name, so the decoder can
say what it is), a `.gz` file (yielded as is: the decoder gunzips by magic) or
a zip archive: a Strava bulk export, a Garmin Connect export or any zip of
activity files (see `kneeguard.ingest.archives`).

Nothing is decoded or extracted to disk here. Each `Source.read()` returns the
raw bytes on demand and raises `IngestError` if they cannot be read; problems
found while searching (missing paths, unreadable folders, unsafe or corrupt
archives) are yielded as `SourceError`s, never raised.

Metadata keys (present only when the export's index knows them):
    origin 'strava' | 'garmin'; external_id str (that service's activity id);
    name str; sport str (normalised like ParsedActivity.sport); gear str;
    rpe float (1-10); start datetime (UTC, aware); distance_m float;
    warnings list[str] (index values that were dropped as unreadable).
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kneeguard.ingest.model import IngestError

if TYPE_CHECKING:
    from kneeguard.ingest.archives import ZipLimits

__all__ = [
    "ACTIVITY_SUFFIXES",
    "Source",
    "SourceError",
    "candidate_files",
    "count_sources",
    "is_activity_name",
    "is_hidden_name",
    "iter_sources",
]

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class Source:
    """One candidate file: a display name and a way to get its raw bytes."""

    name: str  # "path" or "archive.zip!activities/123.fit.gz"
    read: Callable[[], bytes]  # raw bytes (may be gzip); raises IngestError
    metadata: dict = field(default_factory=dict)  # keys: see module docstring
    size: int | None = None  # bytes as stored/unpacked, when known


@dataclass
class SourceError:
    """Something found while searching that cannot become a Source."""

    name: str
    problem: str  # one clear line

    def __str__(self) -> str:
        return f"{self.name}: {self.problem}"


def is_activity_name(name: str) -> bool:
    """True for *.fit, *.gpx, *.tcx and their .gz forms, any case."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return lower.endswith(ACTIVITY_SUFFIXES)


def is_hidden_name(part: str) -> bool:
    """Dot-files and macOS resource-fork folders, which are never activities."""
    return part.startswith(".") or part == "__MACOSX"


def iter_sources(
    paths: Iterable[Path | str] | Path | str, *, limits: ZipLimits | None = None
) -> Iterator[Source | SourceError]:
    """Every candidate under `paths`, in the order given (folders sorted).

    `limits` tunes the zip-bomb and size guards (defaults: `ZipLimits()`); it
    also caps the size of plain files. The same file reached twice (listed
    twice, or inside a listed folder too) is yielded once.
    """
    # archives imports Source/SourceError from this module, so import it late.
    from kneeguard.ingest import archives

    limits = limits or archives.ZipLimits()
    cache = archives.ArchiveCache(limits)
    try:
        for item in _unique_candidates(paths):
            if isinstance(item, SourceError):
                yield item
                continue
            file_path, display, explicit = item
            if _is_archive(file_path, explicit):
                yield from archives.iter_archive(file_path, display, cache)
            else:
                yield _file_source(file_path, display, limits.max_member_bytes)
    finally:
        # Release the open archive promptly; a later read() reopens it.
        with cache.lock:
            cache.close()


def count_sources(
    paths: Iterable[Path | str] | Path | str, *, limits: ZipLimits | None = None
) -> int:
    """A cheap estimate of how many items `iter_sources` will yield.

    Exact for folders and plain files; archives are counted from their
    directory without unpacking, and nested zips (Garmin) are estimated
    from their size.
    """
    from kneeguard.ingest import archives

    limits = limits or archives.ZipLimits()
    total = 0
    for item in _unique_candidates(paths):
        if isinstance(item, SourceError):
            total += 1
            continue
        file_path, _display, explicit = item
        total += archives.count_archive(file_path, limits) if _is_archive(file_path, explicit) else 1
    return total


def candidate_files(paths: Iterable[Path | str] | Path | str) -> Iterator[tuple[Path, str] | SourceError]:
    """Every candidate file (an activity file or an archive) under `paths` as (path, display name), each file
    once, or the SourceError met while searching; `iter_sources([path])` then yields its Sources. The batch
    import hands one such file to a worker as one task."""
    for item in _unique_candidates(paths):
        yield item if isinstance(item, SourceError) else (item[0], item[1])


def _unique_candidates(paths) -> Iterator[SourceError | tuple[Path, str, bool]]:
    """Every candidate file (path, display name, named explicitly?) under `paths`, each file once."""
    seen: set[str] = set()
    for raw in _as_list(paths):
        for item in _expand(Path(raw), str(raw)):
            if isinstance(item, SourceError):
                yield item
                continue
            key = _identity(item[0])
            if key not in seen:
                seen.add(key)
                yield item


def _as_list(paths) -> list:
    # A bare str/Path is iterable (characters, or nothing useful): treat it as one path.
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on some Pythons
        return str(path.absolute())


def _expand(path: Path, display: str) -> Iterator[tuple[Path, str, bool] | SourceError]:
    """(file, display name, given explicitly) for a user-given path, or errors."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield SourceError(display, _os_problem(exc))
        return
    if stat.S_ISDIR(mode):
        yield from _walk(path)
    elif stat.S_ISREG(mode):
        yield (path, display, True)
    else:
        # FIFOs and devices would block or never end when read.
        yield SourceError(display, "not a regular file or directory")


def _walk(folder: Path) -> Iterator[tuple[Path, str, bool] | SourceError]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        yield SourceError(str(folder), _os_problem(exc))
        return
    for entry in entries:
        if is_hidden_name(entry.name):
            continue
        child = folder / entry.name
        try:
            # Symlinked folders are not followed: they can loop or leave the tree.
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(child)
                continue
            wanted = is_activity_name(entry.name) or entry.name.lower().endswith(".zip")
            if not wanted:
                continue
            if entry.is_file():
                yield (child, str(child), False)
            elif entry.is_symlink() and not child.exists():
                yield SourceError(str(child), "broken symbolic link")
            else:
                yield SourceError(str(child), "not a regular file")
        except OSError as exc:
            yield SourceError(str(child), _os_problem(exc))


def _is_archive(path: Path, explicit: bool) -> bool:
    if path.suffix.lower() == ".zip":
        return True
    if not explicit:
        return False
    # A file named explicitly may be an export renamed without its suffix.
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == _ZIP_MAGIC
    except OSError:
        return False  # _file_source reports why it cannot be read


def _file_source(path: Path, display: str, max_bytes: int) -> Source | SourceError:
    try:
        size = path.stat().st_size
        with open(path, "rb"):
            pass  # proves readability now, so the error lands in the scan report
    except OSError as exc:
        return SourceError(display, _os_problem(exc))
    if size > max_bytes:
        return SourceError(display, f"file too large ({_mb(size)} > {_mb(max_bytes)} limit)")
    return Source(display, partial(_read_file, path, display, max_bytes), {}, size)


def _read_file(path: Path, display: str, max_bytes: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(display, _os_problem(exc)) from exc
    if len(data) > max_bytes:
        raise IngestError(display, f"file too large (> {_mb(max_bytes)} limit)")
    return data


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "no such file or directory"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return (exc.strerror or str(exc)).lower()


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"
