"""Import activity files into the store: one transaction per file, no duplicates.

Hashing: `imported_files.content_hash` is sha256 of the RAW bytes a Source
returns (gzipped or not), so a file seen before is recognised without decoding.
Activities carry the decoder's hash of the DECOMPRESSED bytes, also kept as
`imported_files.decoded_hash`; so `run.fit` and `run.fit.gz` differ as files
but meet at the activity level: (athlete, decoded hash, session) is unique.

Cross-export de-duplication (the FIT and a GPX of the same run, two devices on
one outing): see `duplicates.py` - start time, sport family, time-span overlap
and, where both have positions, the track; never a distance ratio.  The richer
copy is kept: when it arrives second it replaces the stored one in place (same
row, so shoe links and notes stay), in the same transaction.  The same rule
applies between sessions of one file (chained copies of a session).

Atomicity: an activity's Parquet samples are written (temp file + fsync +
rename) before its row is inserted, and the file's rows are committed last.  Any
failure rolls the whole file back; a sample file left behind is harmless (see
samples.py).  One bad file never aborts the batch.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, or_, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from kneeguard.errors import UserError
from kneeguard.ingest.laps import laps_json
from kneeguard.ingest.model import IngestError, ParsedActivity, ParsedFile
from kneeguard.ingest.sports import UNKNOWN_SPORTS
from kneeguard.store import athletes, config
from kneeguard.store.hr_histogram import HR_BINS, histogram_array, histogram_blob  # noqa: F401 - re-exported
from kneeguard.store.models import Activity, Athlete, ImportedFile
from kneeguard.numbers import finite_float
from kneeguard.text import storable, without_control_characters

# numpy, pandas and pyarrow (duplicates, samples) are imported by the functions that handle a decoded file,
# so that `kneeguard import` of an empty folder starts fast (issue 18).
if TYPE_CHECKING:
    from kneeguard.ingest.sources import Source, SourceError
    from kneeguard.store import duplicates as dup
    from kneeguard.store.db import Store

_PG_LOCK_NS = 0x6B67  # advisory-lock namespace ("kg") for per-athlete imports
# Export metadata (e.g. Strava's activities.csv) names sports its own way.
_METADATA_SPORTS = {"run": "running", "trail run": "running", "virtual run": "running",
                    "ride": "cycling", "virtual ride": "cycling", "walk": "walking",
                    "hike": "hiking", "swim": "swimming"}

Decoder = Callable[[str, bytes], ParsedFile]


@dataclass
class FileOutcome:
    """What happened to one file.  `error` holds the reason for 'error' and
    'skipped'; `activities` counts NEW activities stored."""

    file: str
    status: str  # 'imported' | 'duplicate' | 'skipped' | 'error'
    activities: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def import_sources(
    store: Store,
    sources: Iterable[Source | SourceError],
    athlete: str | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    *,
    decoder: Decoder | None = None,
    decode_workers: int = 0,
) -> list[FileOutcome]:
    """Import every source for `athlete` (created if missing; default "me").

    decode_workers > 0 decodes the next files in that many worker processes while
    this one stores (see `store/decode_ahead.py`); files are still stored one
    transaction each, in order, and reported in order."""
    with store.write() as session:
        athlete_id = athletes.get_or_create(session, athlete or config.DEFAULT_ATHLETE).id
    outcomes = []
    if decode_workers > 0 and decoder is None:
        from kneeguard.store.decode_ahead import decoded_ahead

        steps = decoded_ahead(sources, decode_workers, lambda raw_hash: _already_seen(store, athlete_id, raw_hash))
    else:
        steps = ((source, None) for source in sources)
    for source, ahead in steps:
        outcome = _import_one(store, athlete_id, source, decoder, ahead)
        outcomes.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return outcomes


def _already_seen(store: Store, athlete_id: int, raw_hash: str) -> bool:
    with store.session() as session:
        return _seen(session, athlete_id, raw_hash) is not None


def source_name(source: Any) -> str:
    """The name a source is stored and reported under (valid Unicode whatever the file system gave)."""
    return storable(str(getattr(source, "name", source)))


def read_source(source: Any) -> bytes | FileOutcome:
    """The source's raw bytes, or the error outcome saying why they cannot be read."""
    name = source_name(source)
    if not callable(getattr(source, "read", None)):  # a SourceError
        return FileOutcome(name, "error", error=str(getattr(source, "problem", "unreadable source")))
    try:
        return source.read()
    except IngestError as exc:  # the Source contract's way of saying "cannot read"
        return FileOutcome(name, "error", error=exc.problem)
    except OSError as exc:
        return FileOutcome(name, "error", error=f"cannot read: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad file never aborts a batch
        return FileOutcome(name, "error", error=f"internal error while reading: {type(exc).__name__}: {exc}")


def decode_source(name: str, data: bytes, decoder: Decoder | None = None) -> ParsedFile | FileOutcome:
    """Decoded file, or the error outcome (also run in decode workers: returns, never raises)."""
    try:
        return (decoder or _default_decoder())(name, data)
    except IngestError as exc:  # the outcome already names the file: keep just the problem
        return FileOutcome(name, "error", error=exc.problem)
    except Exception as exc:  # noqa: BLE001 - decoder bugs must not stop the batch
        return FileOutcome(name, "error", error=f"internal error while reading: {type(exc).__name__}: {exc}")


def _default_decoder() -> Decoder:
    from kneeguard.ingest import readers

    read_bytes = getattr(readers, "read_bytes", None)
    if read_bytes is None:
        raise RuntimeError("kneeguard.ingest.readers.read_bytes is not available")
    return read_bytes


@dataclass
class DecodedFile:
    """A file read and decoded but not yet stored: what a batch worker hands the one writer."""

    name: str
    raw_hash: str
    parsed: ParsedFile
    metadata: dict[str, Any] = field(default_factory=dict)


def _import_one(store: Store, athlete_id: int, source: Any, decoder: Decoder | None,
                ahead: tuple | None = None) -> FileOutcome:
    """Read, check, decode and store one file; `ahead` = (bytes or outcome, wait for the decoded file)."""
    decoded = read_and_decode(store, athlete_id, source, decoder, ahead)
    return decoded if isinstance(decoded, FileOutcome) else store_decoded(store, athlete_id, decoded)


def read_and_decode(store: Store | None, athlete_id: int | None, source: Any, decoder: Decoder | None = None,
                    ahead: tuple | None = None) -> FileOutcome | DecodedFile:
    """Read and decode one source; a FileOutcome when it ends here (unreadable, undecodable, or - with a
    `store` to ask - a file this athlete imported before, recognised by its raw hash without decoding).
    `ahead`: what a decode-ahead worker already did (store/decode_ahead.py): (bytes or outcome, wait for the
    decoded file[, the bytes' sha256])."""
    name = source_name(source)
    data = read_source(source) if ahead is None else ahead[0]
    if isinstance(data, FileOutcome):
        return data
    # decode-ahead hashed these bytes already (a third element): one pass over the file less
    raw_hash = ahead[2] if ahead is not None and len(ahead) > 2 else hashlib.sha256(data).hexdigest()

    if store is not None and athlete_id is not None:
        with store.session() as session:
            seen = _seen(session, athlete_id, raw_hash)
        if seen is not None:
            return FileOutcome(name, "duplicate", warnings=[_seen_note(seen)])

    parsed = decode_source(name, data, decoder) if ahead is None else ahead[1]()
    if isinstance(parsed, FileOutcome):
        return parsed
    return DecodedFile(name, raw_hash, parsed, dict(getattr(source, "metadata", {}) or {}))


def store_decoded(store: Store, athlete_id: int, decoded: DecodedFile) -> FileOutcome:
    """Store one decoded file in one transaction. The unique (athlete, raw hash) row is the last guard: a file
    stored meanwhile by another process (or by a retried batch task) comes back as 'duplicate'."""
    name, raw_hash = decoded.name, decoded.raw_hash
    try:
        return _store_parsed(store, athlete_id, name, raw_hash, decoded.parsed, dict(decoded.metadata))
    except IntegrityError as exc:
        # Usually another process stored this very file meanwhile.
        with store.session() as session:
            seen = _seen(session, athlete_id, raw_hash)
        if seen is not None:
            return FileOutcome(name, "duplicate", warnings=[_seen_note(seen)])
        return FileOutcome(name, "error", error=f"internal error while storing: IntegrityError: {exc.orig}")
    except OperationalError as exc:
        if _read_only(exc):  # every file would fail the same way: one line for the import, not one per file
            raise ReadOnlyStore(f"the database is read-only, nothing more can be imported: {exc.orig}") from exc
        return FileOutcome(name, "error", error=f"internal error while storing: {type(exc).__name__}: {exc.orig}")
    except Exception as exc:  # noqa: BLE001 - rolled back; report and carry on
        return FileOutcome(name, "error", error=f"internal error while storing: {type(exc).__name__}: {exc}")


class ReadOnlyStore(UserError):
    """The store cannot be written (a read-only file or folder, a read-only transaction)."""


def _read_only(exc: OperationalError) -> bool:
    text_of = str(exc.orig).lower()
    return "readonly database" in text_of or "read-only" in text_of


def _seen(session: Session, athlete_id: int, raw_hash: str) -> ImportedFile | None:
    return session.scalar(select(ImportedFile).where(
        ImportedFile.athlete_id == athlete_id, ImportedFile.content_hash == raw_hash))


def _seen_note(seen: ImportedFile) -> str:
    when = seen.imported_at.strftime("%Y-%m-%d %H:%M UTC")
    note = f"file already seen on {when} as {seen.source_name} ({seen.status}"
    return note + (f": {seen.detail})" if seen.detail else ")")


def _store_parsed(store: Store, athlete_id: int, name: str, raw_hash: str,
                  parsed: ParsedFile, metadata: dict[str, Any]) -> FileOutcome:
    from kneeguard.store import duplicates as dup

    warnings = list(parsed.warnings) + [str(w) for w in metadata.get("warnings") or []]
    reason = parsed.skipped_reason or (None if parsed.activities else "no activities in file")
    with store.write() as session:
        _serialise_imports(session, athlete_id)
        if reason is not None:
            _add_file_row(session, athlete_id, raw_hash, parsed, name, "skipped", 0, reason)
            return FileOutcome(name, "skipped", error=reason, warnings=warnings)
        added = 0
        multi = len(parsed.activities) > 1
        for activity in parsed.activities:
            prefix = f"session {activity.session_index}: " if multi else ""
            notes = _apply_metadata(activity, metadata, whole_file=not multi)
            twin = _find_twin(session, store, athlete_id, parsed.content_hash, activity)
            if twin is not None:
                ours, theirs = _richness(activity), _stored_richness(twin)
                our_span = dup.span_s(activity.timer_s, activity.moving_s, activity.elapsed_s)
                their_span = dup.span_s(twin.timer_s, twin.moving_s, twin.elapsed_s)
                same = f"{prefix}same activity as #{twin.id} ({twin.source_name}); "
                if twin.content_hash == parsed.content_hash or not dup.keeps_incoming(ours, our_span, theirs,
                                                                                      their_span):
                    kept = (f"{theirs.describe()}, {_minutes(their_span)}), not {name} (cut short: "
                            f"{_minutes(our_span)})" if dup.cut_short(our_span, their_span)
                            else f"{theirs.describe()}), not {name}")
                    warnings.append(f"{same}kept that one ({kept}")
                    continue
                replaced = (f"fuller copy from {name} ({_minutes(our_span)}; that one was cut short: "
                            f"{_minutes(their_span)})" if dup.cut_short(their_span, our_span)
                            else f"richer copy from {name} ({ours.describe()})")
                warnings.append(f"{same}replaced it with the {replaced}")
            _add_activity(session, store, athlete_id, name, parsed.content_hash, activity, notes, twin)
            warnings.extend(prefix + w for w in [*activity.warnings, *notes])
            added += 1
        status = "imported" if added else "duplicate"
        if added and (elsewhere := _imported_for_others(session, athlete_id, raw_hash)):
            warnings.append(f"the same file is already imported for {elsewhere}: a watch file is one person's, "
                            "so check it is this athlete's ('Exclude from analysis' on the activity's web page "
                            "leaves it out of the wrong one)")
        _add_file_row(session, athlete_id, raw_hash, parsed, name, status, added, "")
    return FileOutcome(name, status, activities=added, warnings=warnings)


def _imported_for_others(session: Session, athlete_id: int, raw_hash: str) -> str:
    """The other athletes this very file (same bytes) was imported for, as words ('' when none)."""
    names = session.scalars(select(Athlete.name).join(ImportedFile, ImportedFile.athlete_id == Athlete.id).where(
        ImportedFile.content_hash == raw_hash, ImportedFile.athlete_id != athlete_id,
        ImportedFile.status == "imported").order_by(Athlete.name)).all()
    return ", ".join(f"'{n}'" for n in names)


def _minutes(span_s: float | None) -> str:
    return f"{span_s / 60:.0f} min" if span_s and span_s >= 60 else f"{span_s or 0:.0f} s"


def _serialise_imports(session: Session, athlete_id: int) -> None:
    """PostgreSQL: one import per athlete at a time, so the de-dup check sees
    every committed activity (SQLite gets this from BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": _PG_LOCK_NS, "key": athlete_id})


def _add_file_row(session: Session, athlete_id: int, raw_hash: str, parsed: ParsedFile, name: str,
                  status: str, count: int, detail: str) -> None:
    # A plain INSERT (column defaults apply as with session.add) without the unit of work's bookkeeping.
    session.execute(insert(ImportedFile.__table__), dict(
        athlete_id=athlete_id, content_hash=raw_hash, decoded_hash=parsed.content_hash or None,
        source_name=name, status=status, n_activities=count, detail=detail))


def _find_twin(session: Session, store: Store, athlete_id: int, content_hash: str,
               activity: ParsedActivity) -> Activity | None:
    from kneeguard.store import duplicates as dup

    window = dt.timedelta(seconds=dup.DUPLICATE_WINDOW_S)
    # One query for both kinds of candidate (the same decoded session, and rows starting nearby), oldest first.
    candidates = session.scalars(select(Activity).where(
        Activity.athlete_id == athlete_id,
        or_((Activity.content_hash == content_hash) & (Activity.session_index == activity.session_index),
            Activity.start_utc.between(activity.start - window, activity.start + window)),
    ).order_by(Activity.id)).all()
    for row in candidates:  # at most one (unique constraint)
        if row.content_hash == content_hash and row.session_index == activity.session_index:
            return row
    span = dup.span_s(activity.timer_s, activity.moving_s, activity.elapsed_s)
    for other in candidates:  # none is the same session, so each starts nearby; oldest first
        if dup.is_same_activity(activity.start, activity.sport, span, other.start_utc, other.sport,
                                dup.span_s(other.timer_s, other.moving_s, other.elapsed_s)) \
                and dup.tracks_agree(_own_samples(store, activity), _stored_samples(store, other)):
            return other
    return None


def _stored_samples(store: Store, row: Activity | ParsedActivity):
    from kneeguard.store import samples as samples_io

    if row.samples_key is None:
        return None
    try:
        return samples_io.read_samples(store.samples_root, row.samples_key)
    except (OSError, ValueError):  # a missing or unreadable sample file: no track to compare
        return None


def _own_samples(store: Store, activity: ParsedActivity):
    """The activity's samples, read back when a batch worker already wrote them (only for a possible twin)."""
    return _stored_samples(store, activity) if activity.samples_key is not None else activity.samples


def _richness(activity: ParsedActivity) -> dup.Richness:
    from kneeguard.store import duplicates as dup

    return dup.Richness(
        has_samples=bool(len(activity.samples)) or activity.samples_key is not None,
        has_heart_rate=finite_float(activity.avg_hr) is not None or activity.hr_seconds_by_bpm is not None,
        has_device_summary=finite_float(activity.timer_s) is not None)


def _stored_richness(row: Activity) -> dup.Richness:
    from kneeguard.store import duplicates as dup

    return dup.Richness(
        has_samples=row.samples_key is not None,
        has_heart_rate=row.avg_hr is not None or row.hr_histogram is not None,
        has_device_summary=row.timer_s is not None)


def _add_activity(session: Session, store: Store, athlete_id: int, name: str, content_hash: str,
                  activity: ParsedActivity, notes: list[str], replacing: Activity | None = None) -> None:
    """Store `activity`; with `replacing`, overwrite that (poorer) row in place instead."""
    from kneeguard.store import samples as samples_io

    # Samples first: the row that references them is only committed afterwards.
    key = activity.samples_key or samples_io.write_samples(store.samples_root, content_hash,
                                                           activity.session_index, activity.samples)
    if replacing is not None:  # what the athlete set on the poorer copy stays
        activity.rpe = activity.rpe if activity.rpe is not None else replacing.rpe
        activity.gear = activity.gear or replacing.gear
        activity.name = activity.name or replacing.name
    fields = dict(
        athlete_id=athlete_id,
        sport=(activity.sport or "").strip().lower() or "generic",
        sub_sport=(activity.sub_sport or "").strip().lower(),
        start_utc=activity.start,
        distance_m=finite_float(activity.distance_m),
        timer_s=finite_float(activity.timer_s),
        moving_s=finite_float(activity.moving_s),
        elapsed_s=finite_float(activity.elapsed_s),
        avg_hr=finite_float(activity.avg_hr),
        max_hr=finite_float(activity.max_hr),
        avg_cadence_spm=finite_float(activity.avg_cadence_spm),
        avg_speed_mps=finite_float(activity.avg_speed_mps),
        ascent_m=finite_float(activity.ascent_m),
        # Labels come from files: no newline or escape code may reach a terminal or a page.
        device=without_control_characters(activity.device or ""),
        name=without_control_characters(activity.name or ""),
        gear=without_control_characters(activity.gear or ""),
        rpe=finite_float(activity.rpe),
        source_name=name,
        content_hash=content_hash,
        session_index=activity.session_index,
        samples_key=key,
        hr_histogram=histogram_blob(activity.hr_seconds_by_bpm),
        warnings=json.dumps([*activity.warnings, *notes]),
        laps=laps_json(activity.laps),
    )
    if replacing is not None and replacing.edited_at is not None:
        # the person corrected this outing: their sport and title stay (shoe and exclusion are not in `fields`)
        fields.update(sport=replacing.sport, sub_sport=replacing.sub_sport, name=replacing.name)
    if replacing is None:
        # A plain INSERT, run now: later sessions of this file see it when de-duplicating (no unit of work).
        session.execute(insert(Activity.__table__), fields)
    else:
        for column, value in fields.items():
            setattr(replacing, column, value)
        session.flush()  # later sessions of this file must see it when de-duplicating


def _apply_metadata(activity: ParsedActivity, metadata: dict[str, Any], whole_file: bool) -> list[str]:
    """Export metadata: gear, name and RPE win when present; sport only fills an
    unknown one, and distance a missing one when the file is this one activity."""
    notes: list[str] = []
    if whole_file and not finite_float(activity.distance_m):
        distance = finite_float(metadata.get("distance_m"))
        if distance and distance > 0:
            activity.distance_m = distance
    for key in ("gear", "name"):
        value = str(metadata.get(key) or "").strip()
        if value:
            setattr(activity, key, value)
    if metadata.get("rpe") not in (None, ""):
        rpe = finite_float(metadata["rpe"])
        if rpe is not None and 0 <= rpe <= 10:
            activity.rpe = rpe
        else:
            notes.append(f"ignored RPE {metadata['rpe']!r} from export metadata (expected 0-10)")
    sport = str(metadata.get("sport") or "").strip().lower()
    if sport and (activity.sport or "").strip().lower() in UNKNOWN_SPORTS:
        activity.sport = _METADATA_SPORTS.get(sport, sport.replace(" ", "_"))
    return notes
