"""Zip archives: Strava bulk exports, Garmin Connect exports, plain zips.

Safety rules (zips come from downloads and strangers):
* nothing is extracted to disk; members are read into memory through zipfile;
* member names with '..', an absolute path or a drive letter are refused;
* per-member, per-nested-zip and per-archive unpacked sizes, the member count
  and the compression ratio are capped (`ZipLimits`) before a member is read,
  and every read is capped again in case the directory lies;
* encrypted members and unsupported compression are reported, never tried;
* a corrupt archive gives one SourceError, never a traceback.

Layouts recognised:
* Strava: `activities.csv` at the root or one folder down plus an
  `activities/` folder beside it (parsed by `strava_csv`);
* Garmin: a `DI_CONNECT/` tree; files live in nested `UploadedFiles*.zip`
  under `DI-Connect-Uploaded-Files` (older: `DI-Connect-Fitness-Uploaded-Files`
  or `DI-Connect-Fitness`); summaries in `*_summarizedActivities.json`
  (read by `garmin_export.GarminIndex`);
* anything else: every activity-looking member, nested zips one level deep.
"""
from __future__ import annotations

import io
import lzma
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kneeguard.ingest import strava_csv
from kneeguard.ingest.garmin_export import GarminIndex
from kneeguard.ingest.model import IngestError
from kneeguard.ingest.sources import Source, SourceError, is_activity_name, is_hidden_name

__all__ = ["ArchiveCache", "ZipLimits", "count_archive", "detect_layout", "iter_archive"]

MB = 1_000_000


@dataclass(frozen=True)
class ZipLimits:
    """Caps against zip bombs and runaway archives (tests lower them)."""

    max_member_bytes: int = 256 * MB  # one activity file (also caps plain files)
    max_nested_bytes: int = 1_000 * MB  # one nested zip, held in memory while used
    max_total_bytes: int = 20_000 * MB  # all we unpack from one archive, nested zips included
    max_ratio: float = 200.0  # unpacked/packed; FIT ~3x, GPX ~10x, zeros ~1000x
    ratio_floor_bytes: int = 8 * MB  # small members may compress well without harm
    max_members: int = 100_000


# Exceptions zipfile and its codecs raise on damaged or hostile input.
ZIP_ERRORS = (
    OSError, EOFError, zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error,
    lzma.LZMAError, RuntimeError, NotImplementedError, ValueError, KeyError,
)
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")


class _LimitExceeded(ValueError):
    pass


class ArchiveCache:
    """Keeps the last outer zip and the last nested zip open.

    Reading members one after another then costs no re-parsing of the central
    directory, and a nested zip is unpacked into memory once while its
    members are read. Sources read out of order stay correct, just slower.
    """

    def __init__(self, limits: ZipLimits):
        self.limits = limits
        self.lock = threading.RLock()
        self._outer: tuple[str, zipfile.ZipFile] | None = None
        self._inner: tuple[tuple[str, str], zipfile.ZipFile] | None = None

    def outer(self, path: Path) -> zipfile.ZipFile:
        key = str(path)
        if self._outer is None or self._outer[0] != key:
            self.close()
            self._outer = (key, zipfile.ZipFile(path))
        return self._outer[1]

    def inner(self, path: Path, container: zipfile.ZipInfo) -> zipfile.ZipFile:
        key = (str(path), container.filename)
        if self._inner is None or self._inner[0] != key:
            data = read_member(self.outer(path), container, self.limits.max_nested_bytes)
            self._inner = (key, zipfile.ZipFile(io.BytesIO(data)))
        return self._inner[1]

    def close(self) -> None:
        for slot in (self._inner, self._outer):
            if slot is not None:
                slot[1].close()
        self._outer = self._inner = None


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, refusing to unpack more than `cap` whatever it claims."""
    with zf.open(info) as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise _LimitExceeded(f"unpacks to more than {cap / MB:.0f} MB")
    return data


def unsafe_name(name: str) -> bool:
    """Names that would escape a folder if anyone ever extracted them."""
    normal = name.replace("\\", "/")
    return (
        normal.startswith("/")
        or bool(_DRIVE.match(normal))
        or ".." in normal.split("/")
    )


class _Walk:
    """State for one top-level archive: where it is, its cache and unpack budget."""

    def __init__(self, path: Path, display: str, cache: ArchiveCache):
        self.path, self.display, self.cache = path, display, cache
        self.limits = cache.limits
        self.budget = cache.limits.max_total_bytes

    def check_listing(self, infos: list[zipfile.ZipInfo], archive_size: int) -> str | None:
        """Archive-wide problem that forbids touching any member, else None."""
        if len(infos) > self.limits.max_members:
            return f"too many members ({len(infos)} > {self.limits.max_members})"
        unpacked = sum(info.file_size for info in infos)
        # The archive's real size, not only the directory's claims: overlapping
        # members can share one compressed blob.
        packed = max(min(sum(info.compress_size for info in infos), archive_size), 1)
        if unpacked > self.limits.ratio_floor_bytes and unpacked > self.limits.max_ratio * packed:
            return f"looks like a zip bomb ({unpacked / MB:.0f} MB packed into {packed / MB:.2f} MB)"
        return None

    def charge(self, size: int) -> bool:
        """Count bytes we are about to unpack; False once the archive's budget is spent.

        Only what is read counts, so a big export full of photos is fine."""
        if size > self.budget:
            return False
        self.budget -= size
        return True

    def member_problem(self, info: zipfile.ZipInfo, cap: int) -> str | None:
        if info.flag_bits & 0x1:
            return "encrypted member: cannot be read"
        if info.compress_type not in _METHODS:
            return f"unsupported compression method {info.compress_type}"
        size = info.file_size
        if size > self.limits.ratio_floor_bytes and size > self.limits.max_ratio * max(info.compress_size, 1):
            return f"looks like a zip bomb ({size / MB:.0f} MB packed into {info.compress_size / MB:.2f} MB)"
        if size > cap:
            return f"member too large ({size / MB:.0f} MB > {cap / MB:.0f} MB limit)"
        return None

    def safe_infos(self, infos, prefix: str) -> Iterator[zipfile.ZipInfo | SourceError]:
        """Files of a listing, refusing unsafe names, skipping folders and hidden ones."""
        for info in infos:
            if unsafe_name(info.filename):
                yield SourceError(f"{prefix}!{info.filename}", "unsafe path in archive")
            elif not info.is_dir() and not any(map(is_hidden_name, info.filename.split("/"))):
                yield info

    def source(self, info: zipfile.ZipInfo, metadata: dict,
               container: zipfile.ZipInfo | None = None) -> Source | SourceError:
        name = self._name(info, container)
        problem = self.member_problem(info, self.limits.max_member_bytes) or self._over_budget(info)
        if problem:
            return SourceError(name, problem)
        read = _reader(self.cache, self.path, container, info, name)
        return Source(name, read, dict(metadata), info.file_size)

    def _over_budget(self, info: zipfile.ZipInfo) -> str | None:
        if self.charge(info.file_size):
            return None
        return f"archive unpacks to more than {self.limits.max_total_bytes / MB:.0f} MB in total: not read"

    def _name(self, info: zipfile.ZipInfo, container: zipfile.ZipInfo | None) -> str:
        if container is None:
            return f"{self.display}!{info.filename}"
        return f"{self.display}!{container.filename}!{info.filename}"

    def read_small(self, info: zipfile.ZipInfo) -> bytes:
        """An index member (CSV/JSON) of the outer archive, read now."""
        problem = self.member_problem(info, self.limits.max_member_bytes) or self._over_budget(info)
        if problem:
            raise _LimitExceeded(problem)
        with self.cache.lock:
            return read_member(self.cache.outer(self.path), info, self.limits.max_member_bytes)

    def nested(self, container: zipfile.ZipInfo,
               metadata_for: Callable[[zipfile.ZipFile, zipfile.ZipInfo], dict] | None = None,
               ) -> Iterator[Source | SourceError]:
        """Activity files inside a zip inside the archive (one level only)."""
        label = f"{self.display}!{container.filename}"
        problem = self.member_problem(container, self.limits.max_nested_bytes) or self._over_budget(container)
        if problem:
            yield SourceError(label, problem)
            return
        try:
            with self.cache.lock:
                inner = self.cache.inner(self.path, container)
                infos = inner.infolist()
        except ZIP_ERRORS as exc:
            yield SourceError(label, f"unreadable nested zip ({_describe(exc)})")
            return
        problem = self.check_listing(infos, container.file_size)
        if problem:
            yield SourceError(label, problem)
            return
        files = list(self.safe_infos(infos, label))
        for item in sorted(files, key=_sort_key):
            if isinstance(item, SourceError):
                yield item
            elif item.filename.lower().endswith(".zip"):
                yield SourceError(f"{label}!{item.filename}", "zip inside a nested zip: not opened")
            elif is_activity_name(item.filename):
                metadata = {}
                if metadata_for:
                    with self.cache.lock:  # re-fetch: a reader may have swapped the cache
                        metadata = metadata_for(self.cache.inner(self.path, container), item)
                yield self.source(item, metadata, container)


def _sort_key(item) -> str:
    return item.name if isinstance(item, SourceError) else item.filename


def _reader(cache: ArchiveCache, path: Path, container: zipfile.ZipInfo | None,
            info: zipfile.ZipInfo, name: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with cache.lock:
                zf = cache.inner(path, container) if container else cache.outer(path)
                return read_member(zf, info, cache.limits.max_member_bytes)
        except ZIP_ERRORS as exc:
            raise IngestError(name, f"cannot read from archive ({_describe(exc)})") from exc
    return read


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


NO_ACTIVITY_FILES = "no activity files in this archive (FIT, GPX or TCX, gzipped or not)"


def iter_archive(path: Path, display: str, cache: ArchiveCache) -> Iterator[Source | SourceError]:
    """Sources inside one zip archive, after its safety checks; an archive
    without any says so (a SourceError), so an empty zip is never a silent success."""
    found = False
    for item in _archive_items(path, display, cache):
        found = True
        yield item
    if not found:
        yield SourceError(display, NO_ACTIVITY_FILES)


def _archive_items(path: Path, display: str, cache: ArchiveCache) -> Iterator[Source | SourceError]:
    walk = _Walk(path, display, cache)
    try:
        with cache.lock:
            infos = cache.outer(path).infolist()
        archive_size = path.stat().st_size
    except ZIP_ERRORS as exc:
        yield SourceError(display, f"not a readable zip archive ({_describe(exc)})")
        return
    problem = walk.check_listing(infos, archive_size)
    if problem:
        yield SourceError(display, problem)
        return
    files: list[zipfile.ZipInfo] = []
    for item in walk.safe_infos(infos, display):
        if isinstance(item, SourceError):
            yield item
        else:
            files.append(item)
    files.sort(key=lambda info: info.filename)
    kind, prefix = detect_layout([info.filename for info in files])
    if kind == "strava":
        yield from _iter_strava(walk, files, prefix)
    elif kind == "garmin":
        yield from _iter_garmin(walk, files)
    else:
        yield from _iter_generic(walk, files)


def detect_layout(names: list[str]) -> tuple[str, str]:
    """('strava', folder prefix) | ('garmin', '') | ('generic', '')."""
    for name in names:
        parts = name.split("/")
        if parts[-1] == "activities.csv" and len(parts) <= 2:
            prefix = name[: -len("activities.csv")]
            if any(other.startswith(prefix + "activities/") for other in names):
                return "strava", prefix
    if any(name.startswith("DI_CONNECT/") or "/DI_CONNECT/" in name for name in names):
        return "garmin", ""
    return "generic", ""


def _iter_generic(walk: _Walk, files: list[zipfile.ZipInfo]) -> Iterator[Source | SourceError]:
    for info in files:
        if info.filename.lower().endswith(".zip"):
            yield from walk.nested(info)
        elif is_activity_name(info.filename):
            yield walk.source(info, {})


def _iter_strava(walk: _Walk, files: list[zipfile.ZipInfo], prefix: str) -> Iterator[Source | SourceError]:
    by_name = {info.filename: info for info in files}
    by_lower = {info.filename.lower(): info for info in files}
    csv_name = prefix + "activities.csv"
    rows: list[strava_csv.StravaRow] = []
    try:
        rows = strava_csv.parse_activities_csv(walk.read_small(by_name[csv_name]))
    except strava_csv.StravaCsvError as exc:
        yield SourceError(f"{walk.display}!{csv_name}", str(exc))
    except ZIP_ERRORS as exc:
        yield SourceError(f"{walk.display}!{csv_name}", f"cannot read ({_describe(exc)})")
    used: set[str] = set()
    for row in rows:
        if not row.filename:
            continue  # manual activity: Strava has no file for it
        member = prefix + row.filename.replace("\\", "/").removeprefix("./")
        info = by_name.get(member) or by_lower.get(member.lower())
        if info is None:
            yield SourceError(f"{walk.display}!{member}", "listed in activities.csv but missing from the archive")
            continue
        if info.filename in used:
            continue
        used.add(info.filename)
        yield walk.source(info, row.metadata)
    folder = prefix + "activities/"
    for info in files:  # files the CSV does not mention are still activities
        if info.filename.startswith(folder) and info.filename not in used and is_activity_name(info.filename):
            yield walk.source(info, {})


def _is_upload_container_path(name: str) -> bool:
    path = PurePosixPath(name)
    return "Uploaded-Files" in name or path.name.startswith("UploadedFiles")


def _iter_garmin(walk: _Walk, files: list[zipfile.ZipInfo]) -> Iterator[Source | SourceError]:
    index = GarminIndex()
    for info in files:
        if info.filename.endswith("_summarizedActivities.json"):
            try:
                index.add_json(walk.read_small(info))
            except (ValueError, *ZIP_ERRORS) as exc:
                yield SourceError(f"{walk.display}!{info.filename}", f"summaries unreadable ({_describe(exc)})")

    def metadata_for(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
        head = b""
        if info.filename.lower().endswith(".fit") and not walk.member_problem(info, walk.limits.max_member_bytes):
            try:
                with zf.open(info) as handle:
                    head = handle.read(4096)  # enough for the FIT header and file_id
            except ZIP_ERRORS:
                head = b""  # the read() of the Source will report it
        return index.match(info.filename, head)

    for info in files:
        if not _is_upload_container_path(info.filename):
            continue
        if info.filename.lower().endswith(".zip"):
            yield from walk.nested(info, metadata_for)
        elif is_activity_name(info.filename):
            with walk.cache.lock:
                metadata = metadata_for(walk.cache.outer(walk.path), info)
            yield walk.source(info, metadata)


def count_archive(path: Path, limits: ZipLimits) -> int:
    """Rough number of items `iter_archive` yields, from the directory alone."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except ZIP_ERRORS:
        return 1
    if len(infos) > limits.max_members:
        return 1
    names = sorted(info.filename for info in infos if not info.is_dir())
    kind, prefix = detect_layout(names)
    count = 0
    for info in infos:
        name = info.filename
        if kind == "strava" and not name.startswith(prefix + "activities/"):
            continue
        if kind == "garmin" and not _is_upload_container_path(name):
            continue
        if name.lower().endswith(".zip"):
            # Unknown without unpacking; real FIT files are ~50-300 kB.
            count += max(1, info.file_size // 150_000)
        elif is_activity_name(name):
            count += 1
    return max(count, 1)

