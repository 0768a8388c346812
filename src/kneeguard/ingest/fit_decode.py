"""The fitdecode side of the FIT reader: one pass over a file's frames, record values picked by position
(found once per message definition), then numpy columns. It is the reference and the fallback for `fit_fast`,
which shares `Decoded`, `note_message` and `guarded_frames` with it; `fit` turns either result into activities.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

import fitdecode
import numpy as np
from fitdecode.types import DevField

MESG_FILE_ID, MESG_SPORT, MESG_SESSION, MESG_LAP, MESG_RECORD, MESG_DEVICE_INFO = 0, 12, 18, 19, 20, 23

# Record fields we keep, in row-slot order; DEV_POWER takes a developer field
# such as Stryd's "Power" and is used only when the device wrote no native power.
RECORD_FIELDS = (
    "timestamp", "distance", "speed", "enhanced_speed", "heart_rate", "cadence",
    "fractional_cadence", "altitude", "enhanced_altitude", "position_lat",
    "position_long", "power", "vertical_oscillation", "stance_time", "step_length",
    "stance_time_balance", "vertical_ratio", "dev_power",
)
SLOT = {name: index for index, name in enumerate(RECORD_FIELDS)}
DEV_POWER_NAMES = frozenset({"power", "runningpower", "rppower", "powerw", "strydpower"})
OFFSET_IN_MESSAGE = re.compile(r"(?:@|offset:)\s*(\d+)")


@dataclass
class Decoded:
    """Everything kept from one pass over the frames."""

    # Records are grouped by field layout so each group converts as one 2-D array.
    groups: list[tuple[tuple[int, ...], list[tuple]]] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # group of each record, in file order
    segment_first_row: list[int] = field(default_factory=list)  # chained FIT files
    sessions: list[tuple[int, dict]] = field(default_factory=list)  # (segment, fields)
    laps: list[dict] = field(default_factory=list)  # every session's laps, in file order
    file_ids: list[dict] = field(default_factory=list)
    creator: dict = field(default_factory=dict)
    sport: dict = field(default_factory=dict)
    error: str | None = None  # why decoding stopped early, for humans
    trailing_only: bool = False  # the error came after a complete FIT file
    columns: list | None = None  # record columns already built (the fast path fills these, not groups)


def _slot_for_unlisted(fit_field) -> int | None:
    """Row slot for a field not in RECORD_FIELDS: developer power, or nothing."""
    if isinstance(fit_field, DevField):
        normalised = re.sub(r"[^a-z]", "", str(fit_field.name).lower())
        if normalised in DEV_POWER_NAMES:
            return SLOT["dev_power"]
    return None


def message_fields(frame) -> dict:
    return {fd.field.name: fd.value for fd in frame.fields if fd.field is not None}


def describe_stop(exc: Exception) -> str:
    match = OFFSET_IN_MESSAGE.search(str(exc))
    where = f" at byte {match.group(1)}" if match else ""
    if isinstance(exc, fitdecode.FitEOFError):
        return f"FIT file is truncated{where}"
    if isinstance(exc, fitdecode.FitHeaderError):
        return f"invalid FIT header{where}"
    # fitdecode's detail ("local message 11 not defined") helps; a bare exception
    # name ("AssertionError") means nothing to a user and is left out.
    detail = str(exc).split(": ", 1)[1].strip() if ": " in str(exc) else ""
    return f"FIT data is corrupt{where} ({detail})" if detail else f"FIT data is corrupt{where}"


def _record_layout(fields, slot_of: dict, group: int) -> tuple:
    """(field count, group, getter of kept values, their slots) for one definition.

    fitdecode lays out a definition's fields identically in every message
    (record fields have no data-dependent subfields): find positions once.
    """
    position_of_slot: dict[int, int] = {}
    for position, fd in enumerate(fields):
        fit_field = fd.field
        if fit_field is None:
            continue
        try:
            slot = slot_of[fit_field.name]
        except KeyError:
            slot = slot_of[fit_field.name] = _slot_for_unlisted(fit_field)
        if slot is not None:
            position_of_slot[slot] = position
    slots = sorted(position_of_slot)
    if len(slots) == 1:
        slots *= 2  # itemgetter returns a tuple only for two or more items
    positions = [position_of_slot[slot] for slot in slots]
    return len(fields), group, itemgetter(*positions) if positions else None, tuple(slots)


def decode_with_fitdecode(data: bytes) -> Decoded:
    out = Decoded()
    slot_of = dict(SLOT)
    del slot_of["dev_power"]  # only reachable through _slot_for_unlisted
    layouts: dict = {}
    order_append = out.order.append
    data_frame, header_frame, crc_frame = (
        fitdecode.FIT_FRAME_DATA, fitdecode.FIT_FRAME_HEADER, fitdecode.FIT_FRAME_CRC)
    last_kind = None
    reader = fitdecode.FitReader(
        data, processor=None, check_crc=fitdecode.CrcCheck.DISABLED,
        error_handling=fitdecode.ErrorHandling.IGNORE)
    try:
        for frame in guarded_frames(reader, lambda exc: setattr(out, "error", describe_stop(exc))):
            last_kind = kind = frame.frame_type
            if kind != data_frame:
                if kind == header_frame:
                    out.segment_first_row.append(len(out.order))
                continue
            mesg = frame.def_mesg.global_mesg_num
            if mesg == MESG_RECORD:
                fields = frame.fields
                # A compressed-timestamp header appends one timestamp field.
                key = (frame.def_mesg, frame.time_offset is None)
                layout = layouts.get(key)
                if layout is None or layout[0] != len(fields):
                    layout = layouts[key] = _record_layout(fields, slot_of, len(out.groups))
                    out.groups.append((layout[3], []))
                if layout[2] is not None:
                    out.groups[layout[1]][1].append(layout[2]([fd.value for fd in fields]))
                    order_append(layout[1])
            else:
                note_message(out, frame, mesg)
    finally:
        reader.close()
    if out.error:
        out.trailing_only = last_kind == crc_frame
    return out


def note_message(out: Decoded, frame, mesg: int) -> None:
    """Keep what the import uses from one non-record data message (the fast path shares this)."""
    if mesg == MESG_SESSION:
        out.sessions.append((len(out.segment_first_row) - 1, message_fields(frame)))
    elif mesg == MESG_LAP:
        out.laps.append(message_fields(frame))
    elif mesg == MESG_FILE_ID:
        out.file_ids.append(message_fields(frame))
    elif mesg == MESG_DEVICE_INFO and not out.creator:
        info = message_fields(frame)
        if info.get("device_index") in ("creator", 0):
            out.creator = info
    elif mesg == MESG_SPORT and not out.sport:
        out.sport = message_fields(frame)


def guarded_frames(reader, on_stop: Callable[[Exception], None]):
    """fitdecode's frames, until the data ends or the decoder stops at damage: then `on_stop(the error)` (note it,
    or raise) and no more frames. Shared by the fitdecode path and the fast path's copied stream.

    Only the decoder's own step is guarded: a bug in kneeguard's handling of a
    frame must surface as a bug, not be reported as a corrupt file.
    """
    frames = iter(reader)
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        # fitdecode raises its own errors for cut or corrupt files, but fuzzed bytes
        # also reach struct/assert/index errors inside it; all mean "the data stops here".
        except Exception as exc:  # noqa: BLE001 - library internals, see above
            on_stop(exc)
            return
        yield frame


def column_arrays(decoded: Decoded) -> list[np.ndarray]:
    if decoded.columns is not None:
        columns = decoded.columns
        count = 0
    else:
        count = len(decoded.order)
        columns = [np.full(count, np.nan) for _ in RECORD_FIELDS]
    if not count:
        _sane_times(columns[SLOT["timestamp"]])
        return columns
    order = np.asarray(decoded.order, dtype=np.int64)
    for group, (slots, rows) in enumerate(decoded.groups):
        if not rows:
            continue
        try:
            block = np.array(rows, dtype=np.float64)
        except (TypeError, ValueError):  # a malformed field decoded as tuple/bytes
            block = np.array([[finite_number(v) for v in row] for row in rows], dtype=np.float64)
        where = np.flatnonzero(order == group)
        for column, slot in enumerate(slots):
            columns[slot][where] = block[:, column]
    _sane_times(columns[SLOT["timestamp"]])
    return columns


def _sane_times(times: np.ndarray) -> None:
    times[(times < 0) | (times >= 2**32)] = np.nan  # only a mangled definition gets here


def finite_number(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value):
        return float(value)
    return None
