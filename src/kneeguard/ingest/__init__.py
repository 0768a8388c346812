"""Reading activity files and export archives into `ParsedFile`s.

`iter_sources(paths)` finds every candidate file (folders, gzip, Strava and
Garmin export zips); `read_bytes(name, data)` decodes one file.
"""
from kneeguard.ingest.model import IngestError, ParsedActivity, ParsedFile, SAMPLE_COLUMNS

__all__ = ["IngestError", "ParsedActivity", "ParsedFile", "SAMPLE_COLUMNS"]
