"""Garmin Connect export index: activity summaries matched to uploaded files.

Used by `archives` for the `DI_CONNECT/` layout. Facts relied on:
* summaries live in `DI_CONNECT/DI-Connect-Fitness/*_summarizedActivities.json`
  as `[{"summarizedActivitiesExport": [{...}, ...]}]`;
* `startTimeGmt` is epoch milliseconds, `duration` milliseconds and
  `distance` CENTIMETRES (Garmin's web API uses metres; the bulk export does
  not: see garmin-grafana PR #278). A distance that only makes sense in
  metres (a run/walk/ride/hike slower than 0.1 m/s read as cm, 0.3-40 m/s
  read as m) is taken as metres, with a warning in the metadata;
* uploaded files are named by an id: `<user>_<activityId>.fit`,
  `<activityId>_ACTIVITY.fit`, or an upload id that the summaries lack.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from kneeguard.json_input import parse_json
from kneeguard.ingest.model import FIT_EPOCH

__all__ = ["GarminIndex", "fit_time_created"]


class GarminIndex:
    """Summaries from `*_summarizedActivities.json`, matched to uploaded files.

    A file matches by an activity id in its name, else by its FIT file_id
    time_created falling inside an activity (+/- 2 min; devices write it at
    the start or at the end), the nearest one when several do.
    """

    _SLACK = dt.timedelta(minutes=2)

    def __init__(self) -> None:
        self.by_id: dict[str, dict] = {}
        self.spans: list[tuple[dt.datetime, dt.datetime, dict]] = []

    def add_json(self, data: bytes) -> None:
        """Add one summaries file; ValueError if it is not JSON."""
        document = parse_json(data, None)
        for entry in _summary_entries(document):
            meta, duration_s = _garmin_summary(entry)
            if "external_id" in meta:
                self.by_id[meta["external_id"]] = meta
            if "start" in meta:
                end = meta["start"] + dt.timedelta(seconds=duration_s or 0)
                self.spans.append((meta["start"] - self._SLACK, end + self._SLACK, meta))

    def match(self, filename: str, head: bytes = b"") -> dict:
        """Metadata for one uploaded file (a copy), or {} when unsure."""
        for digits in re.findall(r"\d{5,}", PurePosixPath(filename).name):
            if digits in self.by_id:
                return _copy(self.by_id[digits])
        created = fit_time_created(head)
        if created is None:
            return {}
        # Back-to-back activities overlap once padded: take the one whose
        # start or end is nearest, and give up on a tie.
        gaps = sorted(
            (min(abs(created - meta["start"]), abs(created - (high - self._SLACK))), index)
            for index, (low, high, meta) in enumerate(self.spans)
            if low <= created <= high
        )
        if not gaps or (len(gaps) > 1 and gaps[0][0] == gaps[1][0]):
            return {}
        return _copy(self.spans[gaps[0][1]][2])


def _copy(meta: dict) -> dict:
    # Several files may match one summary; never let them share a list.
    return {key: list(value) if isinstance(value, list) else value for key, value in meta.items()}


def _summary_entries(document) -> Iterator[dict]:
    for block in document if isinstance(document, list) else [document]:
        if not isinstance(block, dict):
            continue
        inner = block.get("summarizedActivitiesExport")
        if isinstance(inner, list):
            yield from (entry for entry in inner if isinstance(entry, dict))
        elif "activityId" in block:
            yield block


def _finite(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _epoch(value) -> dt.datetime | None:
    number = _finite(value)
    if number is None or number <= 0:
        return None
    seconds = number / 1000 if number > 1e11 else number  # ms, but tolerate seconds
    try:
        when = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return when if 1990 <= when.year <= 2100 else None


def _garmin_sport(entry: dict) -> str:
    raw = entry.get("activityType")
    if isinstance(raw, dict):
        raw = raw.get("typeKey")
    if not isinstance(raw, str) or not raw:
        raw = entry.get("sportType") if isinstance(entry.get("sportType"), str) else ""
    key = raw.strip().lower()
    for needle, sport in (("run", "running"), ("cycl", "cycling"), ("bik", "cycling"),
                          ("swim", "swimming"), ("walk", "walking"), ("hik", "hiking")):
        if needle in key:
            return sport
    return key


_MOVING = {"running", "walking", "cycling", "hiking"}


def _garmin_summary(entry: dict) -> tuple[dict, float | None]:
    meta: dict = {"origin": "garmin"}
    activity_id = entry.get("activityId")
    if isinstance(activity_id, (int, str)) and not isinstance(activity_id, bool) and str(activity_id).strip():
        meta["external_id"] = str(activity_id).strip()
    if isinstance(entry.get("name"), str) and entry["name"].strip():
        meta["name"] = entry["name"].strip()
    if sport := _garmin_sport(entry):
        meta["sport"] = sport
    start = _epoch(entry.get("startTimeGmt")) or _epoch(entry.get("beginTimestamp"))
    if start is not None:
        meta["start"] = start
    duration_ms = _finite(entry.get("duration"))
    duration_s = duration_ms / 1000 if duration_ms and duration_ms > 0 else None
    raw = _finite(entry.get("distance"))
    if raw is not None and raw >= 0:
        meta["distance_m"] = raw / 100
        # Only for sports that must move: yoga with 50 m of GPS drift is slow, not mis-scaled.
        if sport in _MOVING and duration_s and duration_s >= 30 and raw > 0:
            if raw / 100 / duration_s < 0.1 and 0.3 <= raw / duration_s <= 40:
                meta["distance_m"] = raw
                meta["warnings"] = ["Garmin summary distance read as metres, not centimetres"]
    return meta, duration_s




def fit_time_created(head: bytes) -> dt.datetime | None:
    """file_id.time_created from the first bytes of a FIT file, else None.

    Only for matching files to export summaries: walks the first few
    messages (file_id comes first in practice) and gives up on anything odd.
    """
    if len(head) < 14 or head[8:12] != b".FIT":
        return None
    pos, layouts = head[0], {}
    try:
        for _ in range(16):
            record = head[pos]
            pos += 1
            if record & 0x80:
                return None  # compressed-timestamp data before file_id
            local = record & 0x0F
            if record & 0x40:  # definition message
                order = "big" if head[pos + 1] == 1 else "little"
                global_num = int.from_bytes(head[pos + 2:pos + 4], order)
                count = head[pos + 4]
                fields = [(head[pos + 5 + 3 * i], head[pos + 6 + 3 * i]) for i in range(count)]
                pos += 5 + 3 * count
                extra = 0
                if record & 0x20:  # developer fields follow
                    dev_count = head[pos]
                    extra = sum(head[pos + 2 + 3 * i] for i in range(dev_count))
                    pos += 1 + 3 * dev_count
                layouts[local] = (global_num, order, fields, extra)
                continue
            global_num, order, fields, extra = layouts[local]
            for number, size in fields:
                if global_num == 0 and number == 4 and size == 4 and pos + 4 <= len(head):
                    value = int.from_bytes(head[pos:pos + 4], order)
                    # Below 0x10000000 the value is device-relative, not a date.
                    if 0x10000000 <= value < 0xFFFFFFFF:
                        return FIT_EPOCH + dt.timedelta(seconds=value)
                    return None
                pos += size
            if global_num == 0:
                return None
            pos += extra
    except (IndexError, KeyError):
        return None
    return None
