"""Large GPX files read as a stream: track points straight into arrays.

gpxpy builds a Python object per track point (about 1.5 kB each), so a valid
54 MB GPX of 600,000 points took over 1 GB of memory. Here `iterparse` hands
over one <trkpt> at a time, its values go into typed arrays (8 bytes a value)
and the element is cleared at once. `gpx.read_gpx` uses this above
`gpx.STREAM_FROM_BYTES`; below it gpxpy stays the reader, and the tests check
that both give the same activity on the real GPX corpus.

Moving time and ascent follow gpxpy's own rules (`GPXTrackSegment.get_moving_data`:
a step is moving above 1 km/h, its length 3-D when both points have a non-zero
elevation, gpxpy's flat-earth distance for short steps; `geo.calculate_uphill_downhill`
for the climb), so the two paths agree.

    stream_gpx(name, data) -> StreamedGpx     # raises IngestError
"""
from __future__ import annotations

import datetime as dt
import io
import math
import xml.etree.ElementTree as ET
from array import array
from dataclasses import dataclass, field

import numpy as np
from gpxpy.geo import EARTH_RADIUS, ONE_DEGREE, calculate_uphill_downhill
from gpxpy.gpx import DEFAULT_STOPPED_SPEED_THRESHOLD, GPXException
from gpxpy.gpxfield import parse_time

from kneeguard.ingest.model import IngestError

COLUMNS = ("lat", "lon", "ele", "t", "hr", "cad", "pw")
# gpxpy switches from its flat-earth step to haversine beyond this many degrees.
_FLAT_STEP_DEGREES = 0.2


@dataclass
class StreamedSegment:
    columns: dict[str, array] = field(default_factory=lambda: {k: array("d") for k in COLUMNS})

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.frombuffer(v, dtype=float) if len(v) else np.empty(0) for k, v in self.columns.items()}


@dataclass
class StreamedTrack:
    name: str = ""
    type: str = ""
    segments: list[StreamedSegment] = field(default_factory=list)


@dataclass
class StreamedGpx:
    creator: str = ""
    name: str = ""
    tracks: list[StreamedTrack] = field(default_factory=list)
    points_without_position: int = 0


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _number(text: str | None) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def _unix(text: str | None) -> float:
    try:
        moment = parse_time((text or "").strip())
    except (GPXException, ValueError, OverflowError):
        return math.nan
    return unix_seconds(moment)


def unix_seconds(moment: dt.datetime | None) -> float:
    """Seconds since 1970 of a GPX time (NaN for none or one out of range); a time without zone is UTC."""
    if moment is None:
        return math.nan
    if moment.tzinfo is None:  # GPX times without zone are UTC by the schema
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:
        return moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return math.nan


def _point(element: ET.Element, segment: StreamedSegment, extension_tags: dict[str, str]) -> bool:
    """Append one <trkpt> to `segment`; False when it has no latitude/longitude."""
    lat, lon = element.get("lat"), element.get("lon")
    if lat is None or lon is None:
        return False
    values = dict.fromkeys(COLUMNS, math.nan)
    values["lat"], values["lon"] = float(lat), float(lon)
    for child in element:
        tag = _local(child.tag)
        if tag == "ele":
            values["ele"] = _number(child.text)
        elif tag == "time":
            values["t"] = _unix(child.text)
        elif tag == "extensions":
            for inner in child.iter():
                key = extension_tags.get(_local(inner.tag).lower())
                if key:
                    values[key] = _number(inner.text)
    for key, value in values.items():
        segment.columns[key].append(value)
    return True


def stream_gpx(name: str, data: bytes, extension_tags: dict[str, str]) -> StreamedGpx:
    """Every track, segment and point of GPX `data`; `extension_tags` maps a lower-case
    extension tag (hr, cad, power ...) to its column (hr, cad, pw)."""
    document = StreamedGpx()
    stack: list[ET.Element] = []
    track: StreamedTrack | None = None
    segment: StreamedSegment | None = None
    try:
        for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                stack.append(element)
                if len(stack) == 1:
                    document.creator = element.get("creator", "")
                elif tag == "trk" and len(stack) == 2:
                    track = StreamedTrack()
                    document.tracks.append(track)
                elif tag == "trkseg" and track is not None:
                    segment = StreamedSegment()
                    track.segments.append(segment)
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if tag == "trkpt" and segment is not None:
                try:
                    if not _point(element, segment, extension_tags):
                        document.points_without_position += 1
                except ValueError:
                    raise IngestError(name, "not a valid GPX file (a track point has a non-numeric "
                                      "latitude or longitude)") from None
                if parent is not None:
                    parent.clear()  # the point is in the arrays now
            elif tag in ("name", "type") and parent is not None and track is not None \
                    and _local(parent.tag) == "trk":
                setattr(track, tag, (element.text or "").strip())
            elif tag == "name" and parent is not None and _local(parent.tag) in ("gpx", "metadata") \
                    and not document.name:
                document.name = (element.text or "").strip()
            elif tag == "trkseg":
                segment = None
            elif tag == "trk":
                track = None
            if len(stack) == 1:
                stack[0].clear()  # a finished top-level element: waypoints, routes, tracks
    except ET.ParseError as exc:
        raise IngestError(name, f"not a valid GPX file (XML error at line {exc.position[0]})") from None
    return document


def moving_seconds(lat: np.ndarray, lon: np.ndarray, ele: np.ndarray, t: np.ndarray) -> float:
    """gpxpy's moving time of one segment, vectorised."""
    if lat.size < 2:
        return 0.0
    seconds = np.diff(t)
    distance = _gpxpy_step_lengths(lat, lon, ele)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_kmh = (distance / 1000) / (seconds / 3600)
    moving = np.isfinite(seconds) & (seconds > 0) & (distance > 0) & (speed_kmh > DEFAULT_STOPPED_SPEED_THRESHOLD)
    return float(seconds[moving].sum())


def _gpxpy_step_lengths(lat: np.ndarray, lon: np.ndarray, ele: np.ndarray) -> np.ndarray:
    """gpxpy.geo.distance between consecutive points: flat-earth for short steps
    (3-D when both points have a non-zero elevation), haversine for far ones."""
    lat1, lat2, lon1, lon2 = lat[:-1], lat[1:], lon[:-1], lon[1:]
    dlat, dlon = lat1 - lat2, lon1 - lon2
    flat = np.sqrt(dlat**2 + (dlon * np.cos(np.radians(lat1))) ** 2) * ONE_DEGREE
    e1, e2 = ele[:-1], ele[1:]
    both = np.isfinite(e1) & np.isfinite(e2) & (e1 != 0) & (e2 != 0)
    flat = np.where(both, np.sqrt(flat**2 + np.nan_to_num(e1 - e2) ** 2), flat)
    a = np.sin(np.radians(dlat) / 2) ** 2 + np.sin(np.radians(dlon) / 2) ** 2 \
        * np.cos(np.radians(lat1)) * np.cos(np.radians(lat2))
    far = EARTH_RADIUS * 2 * np.arcsin(np.sqrt(a))
    return np.where((np.abs(dlat) > _FLAT_STEP_DEGREES) | (np.abs(dlon) > _FLAT_STEP_DEGREES), far, flat)


def uphill_m(elevations: np.ndarray) -> float:
    """gpxpy's smoothed climb of one segment."""
    present = elevations[np.isfinite(elevations)]
    return float(calculate_uphill_downhill(present.tolist())[0]) if present.size else 0.0
