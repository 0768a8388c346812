"""Decode one activity file (FIT, GPX, TCX, optionally gzipped) by content.

    read_bytes(name: str, data: bytes) -> ParsedFile   # raises IngestError
    read_path(path: Path) -> ParsedFile                # raises IngestError

The format is taken from the bytes, never from the file name: exports are
often mislabelled (a ".fit" that is GPX, a ".gz" that is not compressed).
"""
from __future__ import annotations

import hashlib
import re
import zlib
from pathlib import Path

from kneeguard.ingest.fit import read_fit
from kneeguard.ingest.model import IngestError, ParsedFile
from kneeguard.ingest.plausibility import clean_file

# Real activity files are a few MB (a 600,000-point GPX is 54 MB); anything bigger
# decompressed is a bomb. Kept well below the 500 MB memory bound of an import:
# the decompressed bytes and their parse must both fit under it.
MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
GZIP_CHUNK_BYTES = 4 * 1024 * 1024
FIT_SIGNATURE = b".FIT"
XML_SNIFF_BYTES = 64 * 1024
# Skips the XML declaration, comments, processing instructions and DOCTYPE
# (with its internal subset: the GPX reader refuses those by name).
XML_PROLOGUE = re.compile(
    r"\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>\s*)*", re.S)
XML_ROOT = re.compile(r"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
NOT_ACTIVITY_FORMAT = "not a FIT, GPX or TCX file"


def read_path(path: Path | str) -> ParsedFile:
    """Read and decode the file at `path`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    return read_bytes(str(path), data)


def read_bytes(name: str, data: bytes) -> ParsedFile:
    """Decode one file's bytes; any failure is an IngestError naming `name`."""
    if not data:
        raise IngestError(name, "file is empty")
    warnings: list[str] = []
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(name, data, warnings)
        if not data:
            raise IngestError(name, "file is empty once decompressed")
    content_hash = hashlib.sha256(data).hexdigest()
    file_format = sniff_format(data)
    if file_format is None:
        raise IngestError(name, f"{NOT_ACTIVITY_FORMAT}{_xml_hint(data)}")
    decoder = read_fit if file_format == "fit" else _xml_reader(file_format)
    try:
        parsed = decoder(name, data, content_hash)
    except IngestError:
        raise
    # Safety net: the decoders wrap the libraries' errors they know of, but a
    # crafted or damaged file must never crash an import of many files.
    except Exception as exc:  # noqa: BLE001 - see above
        # The library's words and exception names mean nothing to a user.
        raise IngestError(name, f"could not decode this {file_format.upper()} file "
                          "(damaged or unusual content)") from exc
    parsed.warnings[:0] = warnings
    clean_file(parsed)  # the same plausibility policy for every format
    return parsed


def _xml_reader(file_format: str):
    """The GPX or TCX reader, imported on first use: a FIT-only import does not load gpxpy and the XML
    readers (a few hundredths of a second of every `kneeguard import`, issue 18)."""
    if file_format == "gpx":
        from kneeguard.ingest.gpx import read_gpx

        return read_gpx
    from kneeguard.ingest.tcx import read_tcx

    return read_tcx


def sniff_format(data: bytes) -> str | None:
    """'fit', 'gpx', 'tcx' or None, from the bytes alone."""
    if len(data) >= 12 and data[8:12] == FIT_SIGNATURE:
        return "fit"
    root = _xml_root(data)
    if root == "gpx":
        return "gpx"
    if root == "TrainingCenterDatabase":
        return "tcx"
    return None


def _xml_root(data: bytes) -> str | None:
    head = data[:XML_SNIFF_BYTES]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    prologue = XML_PROLOGUE.match(text)
    match = XML_ROOT.match(text, prologue.end() if prologue else 0)
    return match.group(2) if match else None


def _xml_hint(data: bytes) -> str:
    root = _xml_root(data)
    return f" (XML with root <{root}>)" if root else ""


def _gunzip(name: str, data: bytes, warnings: list[str]) -> bytes:
    """Decompress every gzip member, refusing output over MAX_DECOMPRESSED_BYTES.

    Chunks are kept in a list and joined once: a growing bytearray reallocates
    and briefly holds two copies, which took a bomb to ~750 MB."""
    chunks: list[bytes] = []
    size = 0
    pending = data
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        while True:
            chunk = decompressor.decompress(pending, GZIP_CHUNK_BYTES)
            size += len(chunk)
            if size > MAX_DECOMPRESSED_BYTES:
                raise IngestError(
                    name, f"decompressed size exceeds {MAX_DECOMPRESSED_BYTES // 2**20} MB; "
                    "not a plausible activity file")
            chunks.append(chunk)
            pending = decompressor.unconsumed_tail
            if decompressor.eof:
                rest = decompressor.unused_data
                if rest[:2] != GZIP_MAGIC:
                    break  # padding or junk after the last member
                decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                pending = rest
            elif not pending and not chunk:
                warnings.append("gzip data is truncated: decoded the part that was there")
                break
    except zlib.error:
        if not size:
            raise IngestError(name, "corrupt gzip data (not a readable gzip stream)") from None
        warnings.append(f"gzip data is corrupt after {size} bytes: decoded the part before")
    return b"".join(chunks)
