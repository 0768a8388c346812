"""The one pass of Python over a FIT file's record headers, for `fit_fast`.

It finds each record message's offset and definition, expands compressed timestamps,
follows fitdecode's hr timing, copies definitions and the messages fitdecode must decode
into a small stream, and notes where and how fitdecode would stop on damaged data (with
fitdecode's own exception, so the error text is the same). `Decline` means fitdecode
must decode the whole file.
"""
from __future__ import annotations

import struct
from typing import Any

import fitdecode

from kneeguard.ingest.fit_decode import MESG_DEVICE_INFO, MESG_FILE_ID, MESG_LAP, MESG_RECORD, MESG_SESSION, MESG_SPORT

MESG_FIELD_DESCRIPTION, MESG_DEVELOPER_DATA_ID, MESG_HR = 206, 207, 132
DEVELOPER = frozenset({MESG_FIELD_DESCRIPTION, MESG_DEVELOPER_DATA_ID})
# Data messages copied to the small stream fitdecode decodes (besides every definition).
COPIED = frozenset({MESG_FILE_ID, MESG_SPORT, MESG_SESSION, MESG_LAP, MESG_DEVICE_INFO}) | DEVELOPER
FIELD_TIMESTAMP = 253
FIELD_HR_EVENT_TIMESTAMP, FIELD_HR_EVENT_TIMESTAMP_12 = 9, 10
FIELD_DEVICE_INDEX = 0  # device_info
FIELD_COMPRESSED_SPEED_DISTANCE = 8  # record; its distance component is accumulated
HEADER = struct.Struct("<BBHI4s")


class Decline(Exception):
    """The file needs fitdecode: unusual layout or damage."""


class Scan:
    __slots__ = ("definitions", "segments", "record_offsets", "record_definitions",
                 "compressed_rows", "compressed_times", "segment_first_row", "stop", "stop_after_crc",
                 "creator_copied", "accumulating", "accumulator_resets")

    def __init__(self) -> None:
        self.definitions: list[tuple[int, int]] = []  # (global number, message size) in file order
        self.segments: list[bytes] = []  # per chained file: definitions + copied data messages
        self.record_offsets: list[int] = []  # first data byte of each record message kept
        self.record_definitions: list[int] = []  # index into definitions, per record kept
        self.compressed_rows: list[int] = []  # records with a compressed-timestamp header ...
        self.compressed_times: list[int] = []  # ... and their expanded times
        self.segment_first_row: list[int] = []
        self.stop: Exception | None = None  # the error fitdecode raises where the data is damaged
        self.stop_after_crc = False  # ... right after a complete FIT file
        self.creator_copied = False  # the creator's device_info is in the copied stream
        # fitdecode restarts the accumulated distance of compressed speed/distance at 0 at every record
        # definition holding that field, a repeated one included: those definitions and where each one is.
        self.accumulating: set[int] = set()  # definition indices
        self.accumulator_resets: list[int] = []  # byte offsets, in file order


def scan(data: bytes) -> Scan:
    """One pass over every record header (the only per-message Python)."""
    scan = Scan()
    size = len(data)
    position = 0
    while position < size and scan.stop is None:
        scan.stop = _header_problem(data, position)
        if scan.stop is not None:
            scan.stop_after_crc = bool(scan.segments)
            break
        header_size, _, _, body_size, _ = HEADER.unpack_from(data, position)
        start = position + header_size
        end = start + body_size
        scan.segment_first_row.append(len(scan.record_offsets))
        marks = (len(scan.definitions), len(scan.record_offsets), len(scan.accumulator_resets))
        if not _scan_segment(data, start, end, scan, track=False):
            # Compressed timestamps or hr messages: again, following every timestamp as fitdecode does.
            del scan.definitions[marks[0]:], scan.record_offsets[marks[1]:], scan.record_definitions[marks[1]:]
            del scan.accumulator_resets[marks[2]:]
            scan.accumulating = {index for index in scan.accumulating if index < marks[0]}
            _scan_segment(data, start, end, scan, track=True)
        if scan.stop is None and end + 2 > size:  # the file CRC is cut
            scan.stop = fitdecode.FitEOFError(2, max(size - end, 0), end)
        position = end + 2  # the file CRC, not checked (as on the fitdecode path)
    if not scan.segments:
        raise Decline
    return scan


def _header_problem(data: bytes, position: int) -> Exception | None:
    """The error fitdecode raises reading the FIT file header at `position`, if any."""
    left = len(data) - position
    if left < 12:
        return fitdecode.FitHeaderError(f"file truncated? {fitdecode.FitEOFError(12, left, position)}")
    header_size, _, _, _, magic = HEADER.unpack_from(data, position)
    if header_size < 12 or magic != b".FIT":
        return fitdecode.FitHeaderError(f"not a FIT file @ {position}")
    if header_size == 13:
        return fitdecode.FitHeaderError(f"unsupported FIT header (CRC field missing; header offset: {position})")
    if header_size != 12 and header_size != 14:
        raise Decline  # fitdecode fails unpacking the header CRC
    if left < header_size:
        return fitdecode.FitEOFError(2, left - 12, position + 12)
    return None


def _scan_segment(data: bytes, position: int, end: int, scan: Scan, track: bool) -> bool:
    """Note one chained file's messages; False (untracked) where timestamps must be followed."""
    size = len(data)
    copied: list[bytes] = []
    # local message -> (size, kind, definition index, definition bytes, developer messages before it);
    # kind: 1 record (decoded here), 2 copied to fitdecode, 3 copied developer description,
    # 4 hr message (timestamps followed, not copied), 5 device_info (the creator's first copied), 0 skipped
    local: list = [None] * 16
    offsets, owners = scan.record_offsets, scan.record_definitions
    accumulator = 0  # fitdecode's compressed-timestamp accumulator (restarts with each chained file)
    last_stamp = hr_start = 0  # fitdecode's latest timestamp and hr start (idem)
    stamp_at: dict[int, tuple] = {}  # definition -> (offset of its timestamp, byte order)
    # hr definition -> (event_timestamp first?, event_timestamp_12 (offset, size)); device_info -> device_index offset
    hr_at: dict[int, Any] = {}
    dev_messages = 0  # developer data ids and field descriptions copied so far
    while position < end:
        if position >= size:
            scan.stop = fitdecode.FitEOFError(1, 0, position)
            break
        header = data[position]
        if header & 0x80 or not header & 0x40:
            number = (header >> 5) & 0x3 if header & 0x80 else header & 0xF
            entry = local[number]
            if entry is None:
                scan.stop = fitdecode.FitParseError(position, f"local message {number} not defined")
                break
            message_size, kind, index, _, _ = entry
            following = position + 1 + message_size
            if following > size:
                scan.stop = _cut_message(entry[3], position, size)
                break
            if track:
                own = _stamp(data, position + 1, stamp_at[index], None) if index in stamp_at else None
                if kind == 4:
                    hr_start = _hr_check(data, position + 1, hr_at[index], own, last_stamp, hr_start)
                if own is not None:
                    accumulator = last_stamp = own
                if header & 0x80:
                    if kind != 1:
                        raise Decline  # a compressed header on a copied message: fitdecode's job
                    offset = header & 0x1F
                    stamp = offset + (accumulator & ~0x1F)
                    if offset < (accumulator & 0x1F):
                        stamp += 0x20
                    accumulator = stamp
                    scan.compressed_rows.append(len(offsets))
                    scan.compressed_times.append(stamp)
            elif header & 0x80 or kind == 4:
                return False
            if kind == 1:
                offsets.append(position + 1)
                owners.append(index)
            elif kind == 5:
                if not scan.creator_copied and data[position + 1 + hr_at[index]] == 0:
                    scan.creator_copied = True
                    copied.append(data[position:following])
            elif kind > 1 and kind != 4:
                copied.append(data[position:following])
                dev_messages += kind == 3
            position = following
        else:
            try:
                position = _definition(data, position, end, header, local, scan, copied, stamp_at,
                                       dev_messages, hr_at)
            except _Cut as cut:
                scan.stop = cut.error
                break
    if scan.stop is None and position != end:
        raise Decline  # the last message runs past the end of the data
    scan.segments.append(b"".join(copied))
    return True


class _Cut(Exception):
    """A definition message cut by the end of the data."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _cut_message(definition: bytes, position: int, size: int) -> Exception:
    """fitdecode's error for a data message cut by the end of the data: it reads field by field."""
    count = definition[5]
    sizes = list(definition[7:6 + 3 * count:3])
    if definition[0] & 0x20:
        sizes += list(definition[8 + 3 * count::3])
    at = position + 1
    for field_size in sizes:
        if at + field_size > size:
            return fitdecode.FitEOFError(field_size, max(size - at, 0), at)
        at += field_size
    raise Decline


def _hr_check(data: bytes, position: int, layout: tuple, own, last_stamp: int, hr_start: int) -> int:
    """fitdecode's hr start time after this hr message; declines where fitdecode would stop."""
    stamp_first, nine, twelve = layout
    if nine:
        hr_start = own if stamp_first and own is not None else last_stamp
    if twelve is not None:
        offset, length = twelve
        if hr_start <= 0 or data[position + offset:position + offset + length] == b"\xff" * length:
            raise Decline  # fitdecode's assertion or None arithmetic: its own way of stopping
    return hr_start


def _stamp(data: bytes, position: int, where: tuple, invalid):
    """The message's timestamp field, or `invalid` where it holds the invalid value."""
    offset, order = where
    raw = int.from_bytes(data[position + offset:position + offset + 4], order)
    return invalid if raw == 0xFFFFFFFF else raw


def _definition(data, position, end, header, local, scan, copied, stamp_at, dev_messages, hr_at) -> int:
    """Note one definition message; returns where the next message starts.

    Devices often repeat a record definition unchanged before every record: such a
    repeat (same bytes, no developer field description since) keeps the earlier one."""
    current = local[header & 0xF]
    if current is not None and current[1] == 1 and current[4] == dev_messages:
        following = position + len(current[3])
        if data[position:following] == current[3]:
            if current[2] in scan.accumulating:
                scan.accumulator_resets.append(position)
            return following
    definitions = scan.definitions
    size = len(data)
    if position + 6 > size:
        raise _Cut(fitdecode.FitEOFError(5, max(size - position - 1, 0), position + 1))
    big = data[position + 2] == 1
    if data[position + 2] > 1:
        raise Decline
    order = "big" if big else "little"
    global_number = int.from_bytes(data[position + 3:position + 5], order)
    count = data[position + 5]
    fields_end = position + 6 + 3 * count
    following = fields_end
    if header & 0x20 and fields_end < size:  # developer fields
        following += 1 + 3 * data[fields_end]
    if following > size:  # fitdecode reads field definitions 3 bytes at a time, the developer count alone
        if size < fields_end:
            at, expected = position + 6 + 3 * ((size - position - 6) // 3), 3
        elif size == fields_end:
            at, expected = fields_end, 1
        else:
            at, expected = fields_end + 1 + 3 * ((size - fields_end - 1) // 3), 3
        raise _Cut(fitdecode.FitEOFError(expected, size - at, at))
    if following > end:
        raise Decline  # fitdecode's assertion: a message running past the end of its FIT file
    sizes = data[position + 7:fields_end:3]
    numbers = data[position + 6:fields_end:3]
    message_size = sum(sizes)
    if FIELD_TIMESTAMP in numbers:
        at = numbers.index(FIELD_TIMESTAMP)
        if sizes[at] != 4 or data[position + 8 + 3 * at] != 0x86 or numbers.count(FIELD_TIMESTAMP) > 1:
            raise Decline
        stamp_at[len(definitions)] = (sum(sizes[:at]), order)
    if header & 0x20:
        if FIELD_TIMESTAMP in data[fields_end + 1:following:3]:
            raise Decline  # fitdecode would take it as the message's timestamp
        message_size += sum(data[fields_end + 2:following:3])
    if 0 in sizes:
        raise Decline  # fitdecode cannot read a field of no bytes
    if global_number == MESG_RECORD and FIELD_COMPRESSED_SPEED_DISTANCE in numbers:
        scan.accumulating.add(len(definitions))
        scan.accumulator_resets.append(position)
    kind = 1 if global_number == MESG_RECORD else 3 if global_number in DEVELOPER else 2 if global_number in COPIED else 0
    if global_number == MESG_HR:
        hr_at[len(definitions)] = _hr_layout(data, position, numbers, sizes)
        kind = 4
    elif global_number == MESG_DEVICE_INFO:
        # The import reads the first device_info of the creator (device_index 0) only: copy just that one.
        if numbers.count(FIELD_DEVICE_INDEX) == 1 and data[position + 8 + 3 * numbers.index(FIELD_DEVICE_INDEX)] == 0x02:
            at = numbers.index(FIELD_DEVICE_INDEX)
            hr_at[len(definitions)] = sum(sizes[:at])
            kind = 5
        else:
            kind = 2 if FIELD_DEVICE_INDEX in numbers else 0
    local[header & 0xF] = (message_size, kind, len(definitions), data[position:following], dev_messages)
    definitions.append((global_number, message_size))
    copied.append(data[position:following])
    return following


def _hr_layout(data: bytes, position: int, numbers: bytes, sizes: bytes) -> tuple:
    """(timestamp before event_timestamp?, has event_timestamp?, event_timestamp_12 (offset, size) or None).

    fitdecode times an hr message's event_timestamp_12 from the latest timestamp of any
    message before its event_timestamp, and stops at the file when it has none (an
    assertion) or when event_timestamp_12 is invalid; the scan follows the same times."""
    nine = FIELD_HR_EVENT_TIMESTAMP in numbers
    twelve = None
    if FIELD_HR_EVENT_TIMESTAMP_12 in numbers:
        at = numbers.index(FIELD_HR_EVENT_TIMESTAMP_12)
        if nine or numbers.count(FIELD_HR_EVENT_TIMESTAMP_12) > 1 or data[position + 8 + 3 * at] != 0x0D:
            raise Decline  # one message setting and using the start, or unusual types: fitdecode decides
        twelve = (sum(sizes[:at]), sizes[at])
    stamp = numbers.find(FIELD_TIMESTAMP)
    return (0 <= stamp < numbers.find(FIELD_HR_EVENT_TIMESTAMP)) if nine else False, nine, twelve
