"""Decode one activity file (FIT, GPX, TCX, optionally gzipped) by content.

CONTRACT (helper fills in):
    read_bytes(name: str, data: bytes) -> ParsedFile   # raises IngestError
    read_path(path: Path) -> ParsedFile                # raises IngestError
"""
