"""Build CRC-valid FIT mutants from real files: overwrite one field's raw value.

Used by the plausibility tests to reproduce what a fuzzing campaign stored
(13,968 km, the 4,294,967 s timer) without keeping mutated files in the repo.
"""
from __future__ import annotations

import struct

import fitdecode
from fitdecode.utils import compute_crc

_FORMATS = {1: "B", 2: "H", 4: "I"}


def set_field(data: bytes, message: str, field: str, raw: int, occurrence: int = 0) -> bytes:
    """`data` with the raw (unscaled) value of `field` in the `occurrence`-th
    `message` replaced by `raw`, and the file CRC recomputed."""
    seen = 0
    reader = fitdecode.FitReader(data, keep_raw_chunks=True, check_crc=fitdecode.CrcCheck.DISABLED)
    for frame in reader:
        if frame.frame_type != fitdecode.FIT_FRAME_DATA or frame.name != message:
            continue
        if seen < occurrence:
            seen += 1
            continue
        definition = frame.def_mesg
        offset = frame.chunk.offset + 1  # after the record header byte
        for field_def in definition.field_defs:
            if field_def.name == field:
                packed = struct.pack(definition.endian + _FORMATS[field_def.size], raw)
                edited = bytearray(data)
                edited[offset:offset + field_def.size] = packed
                edited[-2:] = struct.pack("<H", compute_crc(bytes(edited[:-2])))
                return bytes(edited)
            offset += field_def.size
        raise KeyError(f"{message} #{occurrence} has no field {field}")
    raise KeyError(f"no {message} #{occurrence} in the file")
