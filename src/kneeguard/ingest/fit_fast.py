"""Fast FIT decode that gives exactly what `fit_decode.decode_with_fitdecode` (fitdecode) gives, or declines.

fitdecode spends most of an import in per-field Python. Here one tight pass over
the record headers (`fit_scan`) finds every message's offset and definition; the
`record` messages (nearly all the bytes) are then decoded column by column with
numpy (byte order, offsets and base types from the definition, invalid sentinels
-> NaN, the profile's scale and offset applied in fitdecode's order). The few
other messages the import reads (file id, sport, session, device info, developer
field descriptions) and every definition are copied into a small FIT stream that
fitdecode itself decodes, so their values, enums, subfields and developer-field
names are fitdecode's own. Damaged files keep what fitdecode keeps, with its error.

Compressed speed/distance (3 bytes packing a 12-bit speed and a 12-bit distance that
wraps) is unpacked as fitdecode does, with its accumulator: the distance carries on
across records and restarts at 0 at every record definition holding the field.

Anything this module is not sure to reproduce exactly returns None and the caller
decodes the file with fitdecode (the reference): record fields whose base type or
size differs from the profile, hr timing that would stop fitdecode, developer fields
that are not whole values.
"""
from __future__ import annotations

import re

import fitdecode
import numpy as np
from fitdecode import profile as fit_profile

from kneeguard.ingest import fit_scan
from kneeguard.ingest.fit_decode import (
    DEV_POWER_NAMES, MESG_RECORD, RECORD_FIELDS, SLOT, Decoded, describe_stop, guarded_frames, note_message,
)
from kneeguard.ingest.fit_scan import HEADER, Decline, Scan

RECORD_PROFILE = fit_profile.MESSAGE_TYPES[MESG_RECORD]
# Components whose target is a kept column; both copy 16 bits unchanged (speed -> enhanced_speed, ...).
PLAIN_COMPONENTS = frozenset({(6, 73), (2, 78)})
PACKED = fit_scan.FIELD_COMPRESSED_SPEED_DISTANCE  # its components: bits of the field's little-endian bytes
BASE_BYTE = 0x0D
ACCUMULATED = -1  # layout key: where a definition's compressed speed/distance lies (the accumulator reads it)
KEPT_NAMES = frozenset(RECORD_FIELDS) - {"dev_power"}
INVALID = {  # base type id -> (numpy type code, invalid raw value); None: NaN is the invalid value
    0x00: ("u1", 0xFF), 0x01: ("i1", 0x7F), 0x02: ("u1", 0xFF), 0x83: ("i2", 0x7FFF),
    0x84: ("u2", 0xFFFF), 0x85: ("i4", 0x7FFFFFFF), 0x86: ("u4", 0xFFFFFFFF),
    0x88: ("f4", None), 0x89: ("f8", None), 0x0A: ("u1", 0), 0x8B: ("u2", 0), 0x8C: ("u4", 0),
    0x8E: ("i8", 0x7FFFFFFFFFFFFFFF), 0x8F: ("u8", 0xFFFFFFFFFFFFFFFF), 0x90: ("u8", 0),
}


def decode(data: bytes) -> Decoded | None:
    """Decoded file like `fit_decode.decode_with_fitdecode`'s, or None where fitdecode must decide."""
    try:
        scan = fit_scan.scan(data)
        out = Decoded()
        layouts = _decode_copied(scan, out)
        out.columns = _record_columns(data, scan, layouts, out)
    except Decline:
        return None
    if scan.stop is not None:
        out.error = describe_stop(scan.stop)
        out.trailing_only = scan.stop_after_crc
    return out

def _decode_copied(scan: Scan, out: Decoded) -> dict[int, dict]:
    """fitdecode over the definitions and copied messages; returns each record definition's layout."""
    stream = b"".join(
        HEADER.pack(12, 0x10, 0, len(body), b".FIT") + body + b"\0\0" for body in scan.segments)
    layouts: dict[int, dict] = {}
    definition_index = 0
    segment = 0
    reader = fitdecode.FitReader(
        stream, processor=None, check_crc=fitdecode.CrcCheck.DISABLED,
        error_handling=fitdecode.ErrorHandling.IGNORE)
    try:
        for frame in guarded_frames(reader, _decline):
            kind = frame.frame_type
            if kind == fitdecode.FIT_FRAME_HEADER:
                out.segment_first_row.append(scan.segment_first_row[segment])
                segment += 1
            elif kind == fitdecode.FIT_FRAME_DEFINITION:
                _check_definition(frame)
                if frame.global_mesg_num == MESG_RECORD:
                    layouts[definition_index] = _layout(frame)
                definition_index += 1
            elif kind == fitdecode.FIT_FRAME_DATA:
                note_message(out, frame, frame.def_mesg.global_mesg_num)
    finally:
        reader.close()
    if definition_index != len(scan.definitions):
        raise Decline
    return layouts


def _decline(exc: Exception) -> None:
    """Any complaint of fitdecode's about the copied stream declines the file: the fitdecode path decodes it."""
    raise Decline from exc


def _check_definition(definition) -> None:
    """Decline layouts where fitdecode reads other sizes than the definition says, or may stop."""
    for dev_def in definition.dev_field_defs:
        base = dev_def.field.type
        if dev_def.size % base.size or dev_def.size < base.size:
            raise Decline  # fitdecode would read it misaligned
    for field_def in definition.field_defs:
        field = field_def.field
        if field is not None and field.components and any(c.accumulate for c in field.components) \
                and field_def.base_type.identifier in (0x88, 0x89):
            raise Decline  # accumulating a float breaks fitdecode's accumulator


def _record_columns(data: bytes, scan: Scan, layouts: dict[int, dict], out: Decoded) -> list[np.ndarray]:
    offsets = np.asarray(scan.record_offsets, dtype=np.int64)
    owners = np.asarray(scan.record_definitions, dtype=np.int64)
    # fitdecode's path keeps a record only if it has a kept field (a compressed header adds a timestamp).
    keep = np.isin(owners, [index for index, sources in layouts.items() if sources])
    keep[np.asarray(scan.compressed_rows, dtype=np.int64)] = True
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    out.segment_first_row = kept_before[np.asarray(out.segment_first_row, dtype=np.int64)].tolist()
    offsets, owners = offsets[keep], owners[keep]
    columns = [np.full(offsets.size, np.nan) for _ in RECORD_FIELDS]
    if not offsets.size:
        return columns
    raw = np.frombuffer(data, dtype=np.uint8)
    packed = _Packed(offsets.size) if scan.accumulating else None
    for index in np.unique(owners).tolist():
        rows = np.flatnonzero(owners == index)
        sources = layouts[index]
        if not sources:
            continue
        message_size = scan.definitions[index][1]
        block = raw[offsets[rows, None] + np.arange(message_size)]  # the one gather of these messages' bytes
        for slot, values in _values(block, sources):
            columns[slot][rows] = values
        if packed is not None and index in scan.accumulating:
            packed.take(rows, block, sources[ACCUMULATED])
    if packed is not None:
        _accumulated_distance(packed, offsets, owners, scan, layouts, columns[SLOT["distance"]])
    if scan.compressed_rows:  # the expanded time wins over any timestamp field
        columns[SLOT["timestamp"]][kept_before[np.asarray(scan.compressed_rows)]] = scan.compressed_times
    return columns


def _layout(definition) -> dict[int, tuple]:
    """slot -> (byte offset, numpy type, invalid value, scale, offset) of the field fitdecode would keep.

    Later fields overwrite earlier ones, as fitdecode's per-position lookup does; a
    component (speed -> enhanced_speed) sits just before its source field."""
    sources: dict[int, tuple] = {}
    position = 0
    order = definition.endian
    for field_def in definition.field_defs:
        field = field_def.field
        if field is not None:
            if field.def_num == PACKED:
                accumulated = [component for component in field.components if component.accumulate]
                if len(accumulated) != 1:
                    raise Decline
                sources[ACCUMULATED] = _packed(field_def, position, accumulated[0])
            for component in field.components or ():
                target = RECORD_PROFILE.fields[component.def_num]
                if target.name in KEPT_NAMES:
                    if field.def_num == PACKED:
                        sources[SLOT[target.name]] = _packed(field_def, position, component)
                        continue
                    if (field.def_num, component.def_num) not in PLAIN_COMPONENTS:
                        raise Decline
                    sources[SLOT[target.name]] = _source(
                        field_def, field, position, order, component.scale, component.offset)
            if field.name in KEPT_NAMES:
                sources[SLOT[field.name]] = _source(field_def, field, position, order, field.scale, field.offset)
        position += field_def.size
    for dev_def in definition.dev_field_defs:
        dev_field = dev_def.field
        base = dev_field.type
        if re.sub(r"[^a-z]", "", str(dev_field.name).lower()) in DEV_POWER_NAMES:
            if dev_def.size != base.size or base.identifier not in INVALID:
                raise Decline
            code, invalid = INVALID[base.identifier]
            sources[SLOT["dev_power"]] = (position, order + code, invalid, None, None)
        position += dev_def.size
    return sources


def _source(field_def, field, position: int, order: str, scale, offset) -> tuple:
    base = field_def.base_type
    if base.identifier != field.base_type.identifier or field_def.size != base.size:
        raise Decline  # arrays, bytes or a base type the profile does not give: fitdecode decides
    code, invalid = INVALID[base.identifier]
    return position, order + code, invalid, scale, offset


def _packed(field_def, position: int, component) -> tuple:
    """A component of compressed speed/distance: (byte offset, None, (bytes, bit offset, bits, accumulated), scale,
    None). fitdecode reads the field as bytes (invalid when all are 0xFF) and takes the bits of their
    little-endian number; a field too short for a component would drop it, other base types break it."""
    size = field_def.size
    if field_def.base_type.identifier != BASE_BYTE or not 2 <= size <= 7 or component.offset:
        raise Decline
    return position, None, (size, component.bit_offset, component.bits, bool(component.accumulate)), \
        component.scale, None


def _packed_bits(block: np.ndarray, position: int, packing: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(the component's raw values, valid) per message of `block`."""
    size, bit_offset, bits, _ = packing
    field = block[:, position:position + size].astype(np.uint64)
    number = np.zeros(len(block), dtype=np.uint64)
    for index in range(size):
        number |= field[:, index] << np.uint64(8 * index)
    valid = ~(field == 0xFF).all(axis=1)
    return ((number >> np.uint64(bit_offset)) & np.uint64((1 << bits) - 1)).astype(np.int64), valid


class _Packed:
    """The accumulating compressed speed/distance field's raw values and validity per kept record, read from
    each definition's gathered block (so the bytes are gathered once), with the field's bit count."""

    def __init__(self, rows: int) -> None:
        self.values = np.zeros(rows, dtype=np.int64)
        self.valid = np.zeros(rows, dtype=bool)
        self.bits: int | None = None

    def take(self, rows: np.ndarray, block: np.ndarray, source: tuple) -> None:
        position, _, packing, _, _ = source
        if self.bits not in (None, packing[2]):
            raise Decline  # the vectorised wrap in _accumulated_distance takes one width
        self.bits = packing[2]
        self.values[rows], self.valid[rows] = _packed_bits(block, position, packing)


def _accumulated_distance(packed: _Packed, offsets: np.ndarray, owners: np.ndarray, scan: Scan,
                          layouts: dict[int, dict], distance: np.ndarray) -> None:
    """fitdecode's accumulated distance of compressed speed/distance, into the rows whose distance it gives.

    Per stretch between two accumulator restarts, each valid value moves the total on by its difference to the
    previous one modulo 2^bits (fitdecode's `_apply_compressed_accumulation`, which starts from 0)."""
    rows = np.flatnonzero(np.isin(owners, sorted(scan.accumulating)))
    values, valid, bits = packed.values[rows], packed.valid[rows], packed.bits
    rows, values = rows[valid], values[valid]
    if not rows.size:
        return
    stretch = np.searchsorted(np.asarray(scan.accumulator_resets, dtype=np.int64), offsets[rows], side="right")
    first = np.concatenate(([True], stretch[1:] != stretch[:-1]))
    previous = np.concatenate(([0], values[:-1]))
    previous[first] = 0
    totals = np.cumsum((values - previous) & ((1 << bits) - 1))
    starts = np.flatnonzero(first)
    totals -= np.repeat(np.concatenate(([0], totals[starts[1:] - 1])), np.diff(np.append(starts, rows.size)))
    for index in sorted(scan.accumulating):
        source = layouts[index].get(SLOT["distance"])
        if source is None or source[1] is not None:
            continue  # a plain distance field later in the message gives this definition's distance
        mine = owners[rows] == index
        distance[rows[mine]] = totals[mine] / source[3] if source[3] else totals[mine].astype(np.float64)


def _values(block: np.ndarray, sources: dict[int, tuple]):
    for slot, (position, code, invalid, scale, offset) in sources.items():
        if code is None:  # compressed speed/distance
            if slot == ACCUMULATED or invalid[3]:
                continue  # the accumulated distance needs every record in file order: _accumulated_distance
            raw, valid = _packed_bits(block, position, invalid)
            values = raw.astype(np.float64)
            values[~valid] = np.nan
            yield slot, values / scale if scale else values
            continue
        kind = np.dtype(code)
        field = np.ascontiguousarray(block[:, position:position + kind.itemsize]).view(kind)[:, 0]
        values = field.astype(np.float64)
        if invalid is not None:
            values[field == invalid] = np.nan
        if scale:
            values = values / scale
        if offset:
            values = values - offset
        yield slot, values


def why_declined(data: bytes) -> str:
    """Why `decode` returns None for these bytes (for the agreement report), '' if it does not."""
    try:
        scan = fit_scan.scan(data)
        layouts = _decode_copied(scan, Decoded())
        _record_columns(data, scan, layouts, Decoded(segment_first_row=list(scan.segment_first_row)))
    except Decline as exc:
        frame = exc.__traceback__
        while frame.tb_next is not None and frame.tb_next.tb_frame.f_code.co_filename in (__file__, fit_scan.__file__):
            frame = frame.tb_next
        cause = f" <- {type(exc.__cause__).__name__}: {exc.__cause__}" if exc.__cause__ else ""
        return f"{frame.tb_frame.f_code.co_name} line {frame.tb_lineno}{cause}"[:200]
    return ""
