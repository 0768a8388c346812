"""GPX reader (gpxpy): the timed tracks of a file become one activity.

GPX carries no device summary, so totals are computed:
- distance: 2-D (horizontal) length along each segment on the WGS84
  ellipsoid, not hopping across segment gaps (like gpxpy's length_2d).
  2-D because elevation noise inflates 3-D length while watches report
  horizontal distance; it is within 0.1 % of the FIT total for the same ride
  in the test corpus.
- moving time: gpxpy's moving data; elapsed: last minus first timestamp.
- timer_s stays None: a GPX has no device timer.
- cadence: Garmin's TrackPointExtension <cad> counts one foot for running
  (strides/min, like FIT), so foot sports are doubled to steps/min.
"""
from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

import gpxpy
import gpxpy.gpx
import numpy as np

from kneeguard.ingest import gpx_stream, track_glitches
from kneeguard.ingest import hr as streams
from kneeguard.ingest.model import (EARLIEST_TIMED_POINT, IngestError, ParsedActivity, ParsedFile, future_slack_s,
                                    no_usable_time)

WGS84_A = 6_378_137.0  # equatorial radius, m
WGS84_E2 = 6.69437999014e-3  # first eccentricity squared
# Times before this are placeholders (e.g. 1901-12-13, the int32 epoch minimum).
MAX_FORWARD_JUMP_S = 86400.0
NO_TRACK = "GPX has no recorded track (only waypoints or routes), not an activity"
# Above this size a GPX is streamed (gpx_stream) instead of built as gpxpy objects,
# which take ~20x the file size in memory (a 54 MB file peaked at 1.05 GB).
STREAM_FROM_BYTES = 8 * 2**20
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "trail_running"})
# <type> text -> sport. Strava writes numeric activity types ("1" = ride,
# "9" = run, "10" = walk, "4" = hike); others write words. Best effort.
SPORT_BY_TYPE = {
    "1": "cycling", "4": "hiking", "9": "running", "10": "walking",
    "running": "running", "run": "running", "trail_running": "running",
    "cycling": "cycling", "biking": "cycling", "ride": "cycling", "road_biking": "cycling",
    "mountain_biking": "cycling", "walking": "walking", "walk": "walking",
    "hiking": "hiking", "hike": "hiking", "swimming": "swimming", "swim": "swimming",
}
HR_TAGS = frozenset({"hr", "heartrate"})
CADENCE_TAGS = frozenset({"cad", "cadence"})
POWER_TAGS = frozenset({"power", "watts"})
EXTENSION_COLUMNS = {**dict.fromkeys(HR_TAGS, "hr"), **dict.fromkeys(CADENCE_TAGS, "cad"),
                     **dict.fromkeys(POWER_TAGS, "pw")}
POINT_WITHOUT_POSITION = re.compile(
    r"<(?:\w+:)?trkpt\b(?![^>]*\blat=)[^>]*?(?:/>|>.*?</(?:\w+:)?trkpt>)"
    r"|<(?:\w+:)?trkpt\b(?![^>]*\blon=)[^>]*?(?:/>|>.*?</(?:\w+:)?trkpt>)",
    re.S,
)
DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*encoding=["']([\w.\-]+)["']""")
DECLARATION_ENCODING = re.compile(r"""(?<=<\?xml)([^>]*?)\s+encoding=["'][\w.\-]+["']""")
# A document type declaration with an internal subset can declare entities that
# expand without bound; real GPX files never carry one.
INTERNAL_DTD = re.compile(r"<!DOCTYPE[^>\[]*\[|<!ENTITY", re.I)
ELEVATION = re.compile(r"<((?:\w+:)?ele)>([^<]*)</\1>")


def _text(name: str, data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with its byte-order mark
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(name, "GPX declares UTF-16 but is not valid UTF-16") from exc
        return DECLARATION_ENCODING.sub(r"\1", text, count=1)  # the text is decoded now
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        declared = DECLARED_ENCODING.search(data[:200])
        try:
            return data.decode(declared.group(1).decode() if declared else "latin-1")
        except (LookupError, UnicodeDecodeError):
            return data.decode("latin-1")


def _usable_elevations(text: str, warnings: list[str]) -> str:
    """Remove <ele> elements that are empty or not a number: that value is dropped, not the file."""
    dropped = 0

    def keep_number(match: re.Match) -> str:
        nonlocal dropped
        try:
            float(match.group(2))
            return match.group(0)
        except ValueError:
            dropped += 1
            return ""

    cleaned = ELEVATION.sub(keep_number, text)
    if dropped:
        warnings.append(f"dropped {dropped} elevations that are empty or not a number")
    return cleaned


def _parse(name: str, text: str, warnings: list[str]) -> gpxpy.gpx.GPX:
    if INTERNAL_DTD.search(text):
        raise IngestError(name, "GPX with a DTD (document type declaration with entities) "
                          "is not accepted: real GPX files have none")
    text = _usable_elevations(text, warnings)
    try:
        return gpxpy.parse(text)
    except gpxpy.gpx.GPXException as first_error:
        # gpxpy rejects the whole file for one <trkpt> without lat/lon: drop those.
        cleaned, dropped = POINT_WITHOUT_POSITION.subn("", text)
        if not dropped:
            raise IngestError(name, f"not a valid GPX file ({_problem(first_error)})") from first_error
        warnings.append(f"dropped {dropped} track points without latitude/longitude")
        try:
            return gpxpy.parse(cleaned)
        except gpxpy.gpx.GPXException as exc:
            raise IngestError(name, f"not a valid GPX file ({_problem(exc)})") from exc


def _problem(exc: Exception) -> str:
    """gpxpy's message without the markup or text it may quote (one line, no '<...>')."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text.split("<", 1)[0].split(": ", 1)[-1] if "<" in text else text
    return text.strip(" :")[:120] or "damaged content"


def _extension_values(point) -> tuple[float, float, float]:
    heart = cadence = power = np.nan
    for extension in point.extensions:
        for element in extension.iter():
            tag = element.tag.rsplit("}", 1)[-1].lower()
            if tag in HR_TAGS:
                heart = _float(element.text)
            elif tag in CADENCE_TAGS:
                cadence = _float(element.text)
            elif tag in POWER_TAGS:
                power = _float(element.text)
    return heart, cadence, power


def _float(text: str | None) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return np.nan


def _step_lengths_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Horizontal distance between consecutive points (len n-1) on the WGS84
    ellipsoid, using the local radii of curvature at each step's mid-latitude.

    Track points are metres apart, where this flat-ellipsoid step is exact to
    well under 1e-6; a plain sphere (R = 6371 km) reads ~0.1 % short of what
    Garmin devices report for the same ride.
    """
    phi, lam = np.radians(lat), np.radians(lon)
    mid = (phi[:-1] + phi[1:]) / 2
    dlam = (np.diff(lam) + np.pi) % (2 * np.pi) - np.pi  # across the antimeridian
    sin2 = np.sin(mid) ** 2
    meridional = WGS84_A * (1 - WGS84_E2) / (1 - WGS84_E2 * sin2) ** 1.5
    prime_vertical = WGS84_A / np.sqrt(1 - WGS84_E2 * sin2)
    return np.hypot(meridional * np.diff(phi), prime_vertical * np.cos(mid) * dlam)


def _collect(tracks) -> dict[str, np.ndarray]:
    """Per-point arrays over all segments; `seg` numbers each point's segment."""
    columns: dict[str, list] = {k: [] for k in ("t", "lat", "lon", "ele", "hr", "cad", "pw", "seg")}
    for track in tracks:
        for segment in track.segments:
            points = segment.points
            if not points:
                continue
            lat = np.array([p.latitude for p in points], dtype=float)
            lon = np.array([p.longitude for p in points], dtype=float)
            columns["lat"].append(lat)
            columns["lon"].append(lon)
            columns["seg"].append(np.full(lat.size, len(columns["seg"])))
            columns["t"].append(np.array([gpx_stream.unix_seconds(p.time) for p in points], dtype=float))
            columns["ele"].append(np.array(
                [np.nan if p.elevation is None else p.elevation for p in points], dtype=float))
            extras = np.array([_extension_values(p) for p in points], dtype=float).reshape(-1, 3)
            for column, key in enumerate(("hr", "cad", "pw")):
                columns[key].append(extras[:, column])
    return {k: np.concatenate(v) if v else np.empty(0) for k, v in columns.items()}


def _sport(tracks) -> str:
    for track in tracks:
        if track.type:
            return SPORT_BY_TYPE.get(track.type.strip().lower(), "unknown")
    return "unknown"


def read_gpx(name: str, data: bytes, content_hash: str) -> ParsedFile:
    """Decode GPX bytes; raises IngestError when there is no usable time."""
    if len(data) >= STREAM_FROM_BYTES:
        return _read_streamed(name, data, content_hash)
    parsed = ParsedFile(source=name, content_hash=content_hash, format="gpx")
    gpx = _parse(name, _text(name, data), parsed.warnings)
    tracks = [t for t in gpx.tracks if any(s.points for s in t.segments)]
    if not tracks:
        parsed.skipped_reason = NO_TRACK
        return parsed
    now = time.time()
    latest = now + future_slack_s()

    def usable(moment) -> bool:
        stamp = gpx_stream.unix_seconds(moment)
        return EARLIEST_TIMED_POINT <= stamp <= latest

    timed = [t for t in tracks if any(usable(p.time) for s in t.segments for p in s.points)]
    stamps = [gpx_stream.unix_seconds(p.time) for t in tracks for s in t.segments for p in s.points]
    _check_timed(name, parsed, len(timed), len(tracks), np.nanmin(stamps) if np.isfinite(stamps).any() else np.nan)
    labels = _Labels(sport=_sport(timed), moving_s=_moving_seconds(timed), ascent_m=_uphill(timed),
                     device=gpx.creator or "", name=next((t.name for t in timed if t.name), gpx.name or ""))
    parsed.activities.append(_timed_activity(name, _collect(timed), labels, now))
    return parsed


def _read_streamed(name: str, data: bytes, content_hash: str) -> ParsedFile:
    """A large GPX through `gpx_stream` (no object per point); same rules as above."""
    parsed = ParsedFile(source=name, content_hash=content_hash, format="gpx")
    document = gpx_stream.stream_gpx(name, data, EXTENSION_COLUMNS)
    if document.points_without_position:
        parsed.warnings.append(f"dropped {document.points_without_position} track points without latitude/longitude")
    segments_of = {id(track): [s.arrays() for s in track.segments if len(s.columns["lat"])]
                   for track in document.tracks}
    tracks = [track for track in document.tracks if segments_of[id(track)]]
    if not tracks:
        parsed.skipped_reason = NO_TRACK
        return parsed
    now = time.time()
    latest = now + future_slack_s()

    def usable(track) -> bool:
        return any(((s["t"] >= EARLIEST_TIMED_POINT) & (s["t"] <= latest)).any()
                   for s in segments_of[id(track)])

    timed = [track for track in tracks if usable(track)]
    stamps = np.concatenate([s["t"] for track in tracks for s in segments_of[id(track)]])
    _check_timed(name, parsed, len(timed), len(tracks), np.nanmin(stamps) if np.isfinite(stamps).any() else np.nan)
    segments = [s for track in timed for s in segments_of[id(track)]]
    has_elevation = any(np.isfinite(s["ele"]).any() for s in segments)
    sport = next((SPORT_BY_TYPE.get(t.type.strip().lower(), "unknown") for t in timed if t.type), "unknown")
    labels = _Labels(
        sport=sport,
        moving_s=sum(gpx_stream.moving_seconds(s["lat"], s["lon"], s["ele"], s["t"]) for s in segments) or None,
        ascent_m=float(sum(gpx_stream.uphill_m(s["ele"]) for s in segments)) if has_elevation else None,
        device=document.creator, name=next((t.name for t in timed if t.name), document.name))
    parsed.activities.append(_timed_activity(name, _segment_columns(segments), labels, now))
    return parsed


@dataclass
class _Labels:
    """What the two readers compute their own way; the rest is shared."""

    sport: str
    moving_s: float | None
    ascent_m: float | None
    device: str
    name: str


def _check_timed(name: str, parsed: ParsedFile, timed: int, tracks: int, earliest: float) -> None:
    """`earliest`: the earliest timestamp in the file (NaN without any), to tell an unset clock from none."""
    if not timed:
        raise IngestError(name, no_usable_time("GPX", earliest))
    if timed < tracks:
        # Untimed tracks next to timed ones are saved routes, not what was run.
        parsed.warnings.append(f"ignored {tracks - timed} track(s) without timestamps")


def _segment_columns(segments: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per-point arrays over all segments, as `_collect` makes them."""
    columns = {key: np.concatenate([s[key] for s in segments]) for key in ("t", "lat", "lon", "ele", "hr", "cad", "pw")}
    columns["seg"] = np.concatenate([np.full(s["lat"].size, index) for index, s in enumerate(segments)])
    return columns


def _timed_activity(name: str, points: dict[str, np.ndarray], labels: _Labels, now: float) -> ParsedActivity:
    """The activity of the points with a usable, forward-going time and a position on the route (GPS glitches
    left out: `track_glitches`); its distance is the length of that track, segment by segment."""
    times = points["t"]
    ok = (times >= EARLIEST_TIMED_POINT) & (times <= now + future_slack_s())
    rows = np.flatnonzero(ok)
    rows = rows[streams.forward_indices(times[rows], float(times[rows[0]]), MAX_FORWARD_JUMP_S)]
    untimed = len(times) - rows.size
    off_globe = track_glitches.impossible_positions(points["lat"][rows], points["lon"][rows])
    rows = rows[~off_globe]
    if rows.size < 2:
        raise IngestError(name, f"GPX has {rows.size} track point(s) with both a usable, forward-going time and a "
                          "position on the globe: nothing to measure a run on")
    glitches = track_glitches.glitch_points(times[rows], points["lat"][rows], points["lon"][rows], points["seg"][rows])
    rows = rows[~glitches]
    steps = _step_lengths_m(points["lat"][rows], points["lon"][rows])
    steps[np.diff(points["seg"][rows]) != 0] = 0.0  # no step joins two segments
    activity = _activity(points, rows, np.concatenate([[0.0], steps]), labels)
    if untimed:
        activity.warnings.append(f"{untimed} track points without a usable, forward-going time "
                                 "are left out of the samples and the distance")
    if off_globe.any():
        activity.warnings.append(f"{int(off_globe.sum())} track points with a position off the globe (latitude "
                                 "beyond 90° or longitude beyond 180°) are left out of the samples and the distance")
    if glitches.any():
        activity.warnings.append(
            f"{int(glitches.sum())} track points where the position jumped away faster than "
            f"{track_glitches.GLITCH_SPEED_MPS:.0f} m/s (a GPS glitch) are left out of the samples and the distance")
    return activity


def _activity(points, rows, steps: np.ndarray, labels: _Labels) -> ParsedActivity:
    """`steps`: the metres from each kept point's predecessor (0 at the first and at each segment start)."""
    sport = labels.sport
    times = points["t"][rows]
    cumulative = np.cumsum(steps)
    distance = float(cumulative[-1])
    gaps = np.diff(times)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(gaps > 0, np.diff(cumulative) / gaps, np.nan)
    speed = np.concatenate([[np.nan], speed]) if times.size else speed
    heart = points["hr"][rows]
    heart[(heart <= 0) | (heart >= 250)] = np.nan
    values = {
        "distance_m": cumulative, "speed_mps": speed, "heart_rate_bpm": heart,
        "altitude_m": points["ele"][rows], "lat_deg": points["lat"][rows],
        "lon_deg": points["lon"][rows], "power_w": points["pw"][rows],
    }
    cadence = None
    if sport in FOOT_SPORTS:
        steps = points["cad"][rows] * 2.0
        steps[steps <= 0] = np.nan
        values["cadence_spm"] = steps
        cadence = streams.time_weighted_mean(times, steps)
    elapsed = float(times[-1] - times[0])
    # gpxpy counts every point's time; with points left out it can exceed the span kept
    moving = min(labels.moving_s, elapsed) if labels.moving_s else None
    return ParsedActivity(
        sport=sport,
        start=dt.datetime.fromtimestamp(float(times[0]), dt.timezone.utc),
        distance_m=distance,
        moving_s=moving,
        elapsed_s=elapsed,
        avg_hr=streams.time_weighted_mean(times, heart),
        max_hr=streams.finite_max(heart),
        avg_cadence_spm=cadence,
        avg_speed_mps=distance / (moving or elapsed) if (moving or elapsed) else None,
        ascent_m=labels.ascent_m,
        device=labels.device,
        name=labels.name,
        samples=streams.samples_frame(times, values),
        hr_seconds_by_bpm=streams.hr_seconds_by_bpm(times, heart),
    )


def _moving_seconds(tracks) -> float | None:
    total = 0.0
    for track in tracks:
        moving = track.get_moving_data()
        total += moving.moving_time if moving else 0.0
    return total or None


def _uphill(tracks) -> float | None:
    if not any(p.elevation is not None for t in tracks for s in t.segments for p in s.points):
        return None
    return float(sum(t.get_uphill_downhill().uphill for t in tracks))
