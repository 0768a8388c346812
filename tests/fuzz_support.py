"""Mutations of real files and the readers they are fed to (issue 14, item 6).

Shared by `tests/test_fuzz.py` (hypothesis, short) and `scripts/fuzz.py` (long, seeded).
Every reader must end in a result or a `UserError`; anything else is a crash, and
`check_input` returns its traceback text. When `kneeguard.ingest.plausibility`
exists, activities a reader returns must also have no value outside the limits.
"""
from __future__ import annotations

import gzip
import io
import json
import random
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path

from kneeguard.errors import UserError

DATA = Path(__file__).parent / "data"
SEEDS = {
    "fit": [DATA / "activities" / "fitparse" / "2013-02-06-12-11-14.fit",
            DATA / "activities" / "fitparse" / "activity-small-fenix2-run.fit"],
    "gpx": [DATA / "activities" / "gpxpy" / "track-with-empty-segment.gpx",
            DATA / "activities" / "sweatpy" / "activity_5039744860.gpx"],
    "tcx": sorted((DATA / "activities" / "tcxreader").glob("*.tcx"))[:2],
    "answers": [DATA / "vignettes_blind.json"],
    "keypoints": [DATA / "gait" / "male_side.mediapipe.json"],
    "c3d": [DATA / "gait" / "fukuchi2017" / "RBDS001static.c3d"],
}
REGRESSIONS = DATA / "fuzz"
JSON_TOKENS = [b"[", b"]", b"{", b"}", b'"', b",", b":", b"null", b"1e999", b"-1", b"[" * 2000]
XML_TOKENS = [b"<", b">", b"</trkpt>", b"<trkpt>", b'<!DOCTYPE x [<!ENTITY a "b">]>', b"&a;", b"\x00",
              b"<time>9999-99-99T00:00:00Z</time>", b"<ele></ele>", b"<ele>nan</ele>", b"-1e308", b"]]>"]


def seed_bytes(kind: str) -> list[bytes]:
    data = [path.read_bytes() for path in SEEDS[kind] if path.exists()]
    if kind == "answers":  # one real answers document, not the whole vignette file
        data = [json.dumps(json.loads(data[0])["cases"][0]["answers"]).encode()]
    return data


def mutate(data: bytes, rng: random.Random, kind: str) -> bytes:
    """One to four byte flips, truncations, insertions, deletions or structure tokens."""
    out = bytearray(data)
    tokens = JSON_TOKENS if kind in ("answers", "keypoints") else XML_TOKENS
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(out) + 1)
        choice = rng.randrange(6)
        if choice == 0 and out:  # flip bits of a few bytes
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(out))
                out[i] ^= 1 << rng.randrange(8)
        elif choice == 1:
            del out[at:]  # truncation
        elif choice == 2:
            out[at:at] = rng.randbytes(rng.randint(1, 64))
        elif choice == 3:
            del out[at:at + rng.randint(1, 256)]
        elif choice == 4:
            out[at:at] = rng.choice(tokens)
        else:  # a byte set to an edge value (sentinels in FIT, NUL in text)
            if out:
                out[rng.randrange(len(out))] = rng.choice((0x00, 0x7F, 0x80, 0xFF))
    return bytes(out)


def _activity(name: str, data: bytes) -> list:
    from kneeguard.ingest.readers import read_bytes

    return read_bytes(name, data).activities


def _archive(name: str, data: bytes) -> list:
    """`data` as one member of a zip, or (when it is a zip) the archive itself."""
    from kneeguard.ingest.readers import read_bytes
    from kneeguard.ingest.sources import Source, iter_sources

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        if data[:2] == b"PK":
            path.write_bytes(data)
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(name, data)
            path.write_bytes(buffer.getvalue())
        activities = []
        for item in iter_sources(path):
            if isinstance(item, Source):
                try:
                    activities += read_bytes(item.name, item.read()).activities
                except UserError:
                    pass
        return activities


def _on_disk(reader: Callable[[Path], object], suffix: str) -> Callable[[str, bytes], list]:
    def run(name: str, data: bytes) -> list:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"input{suffix}"
            path.write_bytes(data)
            reader(path)
        return []
    return run


def _answers(path: Path) -> None:
    from kneeguard.cli.checkin_cmd import read_answers_file
    from kneeguard.clinic import assess

    assess(read_answers_file(path))


def _keypoints(path: Path) -> None:
    from kneeguard.gait.io.schema_json import read_keypoints_json

    read_keypoints_json(path)


def _c3d(path: Path) -> None:
    from kneeguard.gait.io.forces import read_c3d_vertical_force
    from kneeguard.gait.io.mocap import read_c3d

    for reader in (read_c3d, read_c3d_vertical_force):
        try:
            reader(path)
        except UserError:
            pass


READERS: dict[str, Callable[[str, bytes], list]] = {
    "fit": _activity, "gpx": _activity, "tcx": _activity,
    "archive": _archive,
    "answers": _on_disk(_answers, ".json"),
    "keypoints": _on_disk(_keypoints, ".json"),
    "c3d": _on_disk(_c3d, ".c3d"),
}
ARCHIVE_SEEDS = ("fit", "gpx", "tcx")


def check_input(kind: str, name: str, data: bytes) -> str | None:
    """None when the reader copes (a result or a UserError), else what went wrong."""
    if kind == "archive" and not name.endswith(".gz") and random.Random(len(data)).random() < 0.3:
        data = gzip.compress(data, 1)
        name += ".gz"
    try:
        activities = READERS[kind](name, data)
    except UserError:
        return None
    except Exception:  # noqa: BLE001 - reporting crashes is the point
        return traceback.format_exc()
    return _implausible(activities)


def _implausible(activities: list) -> str | None:
    try:
        from kneeguard.ingest.plausibility import violations
    except ImportError:  # before issue 14's plausibility module is merged
        return None
    for activity in activities:
        found = violations(activity)
        if found:
            return "stored values outside the plausibility limits: " + "; ".join(found)
    return None


def seed_for(kind: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) seeds a reader kind starts from."""
    if kind == "archive":
        return [(f"member.{k}", data) for k in ARCHIVE_SEEDS for data in seed_bytes(k)[:1]]
    suffix = {"answers": "json", "keypoints": "json"}.get(kind, kind)
    return [(f"input.{suffix}", data) for data in seed_bytes(kind)]
