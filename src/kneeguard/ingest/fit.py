"""FIT reader: one ParsedActivity per `session` message.

Decoded by `fit_fast` where it is sure to give exactly fitdecode's result (nearly
every file), else by fitdecode (`fit_decode`, the reference and the fallback);
here the decoded columns become one DataFrame per activity, with its totals.
"""
from __future__ import annotations

import datetime as dt
import os
import time

import numpy as np

from kneeguard.ingest import hr as streams
from kneeguard.ingest.fit_decode import SLOT, Decoded, column_arrays, decode_with_fitdecode, finite_number
from kneeguard.ingest.laps import make_lap, within
from kneeguard.ingest.model import FIT_EPOCH_UNIX_S, IngestError, ParsedActivity, ParsedFile, future_slack_s

# Below this a FIT time counts seconds since device power-on (clock never set).
FIT_ABSOLUTE_MIN = 0x10000000
SEMICIRCLE_TO_DEG = 180.0 / 2**31
MAX_FORWARD_JUMP_S = 86400.0
SESSION_END_SLACK_S = 1.0
# FIT cadence for these sports counts one foot (strides/min); we store steps/min.
FOOT_SPORTS = frozenset({"running", "walking", "hiking", "mountaineering"})
# Running-dynamics column <- record field; 0 means "no step measured".
RUNNING_DYNAMICS = {
    "vertical_oscillation_mm": "vertical_oscillation", "ground_contact_ms": "stance_time",
    "stride_length_m": "step_length", "gct_balance_left_pct": "stance_time_balance",
    "vertical_ratio_pct": "vertical_ratio",
}


def _fit_time(value) -> float | None:
    """A FIT date_time (uint32 seconds), or None for anything else."""
    number = finite_number(value)
    return number if number is not None and 0 <= number < 2**32 else None


def _label(value, prefix: str) -> str:
    """FIT enum as lower-case text; numbers unknown to the profile become prefix_<n>."""
    return "" if value is None else f"{prefix}_{value}" if isinstance(value, int) else str(value).lower()


def _device_name(decoded: Decoded) -> str:
    """manufacturer/product, preferring a product's name over its number."""
    file_id = next((f for f in decoded.file_ids if f.get("manufacturer") is not None), {})
    sources = (file_id, decoded.creator)
    maker = next((s["manufacturer"] for s in sources if s.get("manufacturer") is not None), None)
    products = [s.get(key) for key in ("product_name", "garmin_product", "product") for s in sources]
    product = next((p for p in products if p is not None and not isinstance(p, int)), None)
    product = product if product is not None else next((p for p in products if p is not None), None)
    return "/".join(str(p) for p in (maker, product) if p is not None)


def _session_bounds(info: dict) -> tuple[float | None, float | None]:
    """(start, end) of a session in raw FIT seconds, from whichever fields exist."""
    start, stamp = _fit_time(info.get("start_time")), _fit_time(info.get("timestamp"))
    elapsed = finite_number(info.get("total_elapsed_time"))
    if start is None and stamp is not None and elapsed is not None:
        start = _fit_time(stamp - elapsed)
    ends = [v for v in (stamp, start + elapsed if start is not None and elapsed else None) if v]
    return start, max(ends) if ends else None


def _session_windows(decoded: Decoded, times: np.ndarray, segment: np.ndarray) -> list:
    """Per session: (mask of its records, start, end).

    A session owns the records of its own chained FIT segment (or all records
    when its segment has none) from its start up to the next session's start
    and at most its own end.
    """
    with_rows = set(segment.tolist())
    pools: dict[int | None, list[int]] = {}
    for position, (seg, _) in enumerate(decoded.sessions):
        pools.setdefault(seg if seg in with_rows else None, []).append(position)
    windows: list = [None] * len(decoded.sessions)
    for seg, members in pools.items():
        in_pool = segment == seg if seg is not None else np.ones(times.size, dtype=bool)
        bounds = sorted(
            (_session_bounds(decoded.sessions[p][1]) + (p,) for p in members),
            key=lambda b: (b[0] is None, b[0] or 0.0))
        for rank, (start, end, position) in enumerate(bounds):
            mask = in_pool & (times <= (end + SESSION_END_SLACK_S if end is not None else np.inf))
            if start is not None:
                mask &= times >= start
            if rank + 1 < len(bounds) and bounds[rank + 1][0] is not None:
                mask &= times < bounds[rank + 1][0]
            windows[position] = (mask, start, end)
    return windows


def _samples(columns: list[np.ndarray], rows: np.ndarray, foot: bool):
    def take(name: str) -> np.ndarray:
        return columns[SLOT[name]][rows]

    def prefer(first: str, second: str) -> np.ndarray:
        a, b = take(first), take(second)
        return np.where(np.isfinite(a), a, b)

    heart = take("heart_rate")
    heart[(heart <= 0) | (heart >= 250)] = np.nan  # 0 = strap off, 255 = invalid
    power = take("power")
    if not np.isfinite(power).any():
        power = take("dev_power")
    lat, lon = take("position_lat") * SEMICIRCLE_TO_DEG, take("position_long") * SEMICIRCLE_TO_DEG
    lat[np.abs(lat) > 90] = np.nan
    lon[np.abs(lon) > 180] = np.nan
    out = {
        "distance_m": take("distance"), "speed_mps": prefer("enhanced_speed", "speed"),
        "heart_rate_bpm": heart, "altitude_m": prefer("enhanced_altitude", "altitude"),
        "lat_deg": lat, "lon_deg": lon, "power_w": power,
    }
    for column, record_field in RUNNING_DYNAMICS.items():
        values = take(record_field)
        values[values <= 0] = np.nan
        out[column] = values
    out["stride_length_m"] /= 1000.0  # FIT step_length is in mm
    if foot:
        cadence = take("cadence")
        cadence[(cadence <= 0) | (cadence >= 255)] = np.nan
        out["cadence_spm"] = (cadence + np.nan_to_num(take("fractional_cadence"))) * 2.0
    return out


def _utc(fit_seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(FIT_EPOCH_UNIX_S + fit_seconds, dt.timezone.utc)


def _usable_rows(rows, times, start, warnings: list[str]) -> np.ndarray:
    """Drop samples going backwards, jumping over a day, or dated in the future."""
    before = rows.size
    if start is None and rows.size:  # no session start to trust: stay near the median
        rows = rows[np.abs(times[rows] - np.median(times[rows])) <= 2 * MAX_FORWARD_JUMP_S]
    if rows.size:
        anchor = start if start is not None else float(times[rows[0]])
        rows = rows[streams.forward_indices(times[rows], anchor, MAX_FORWARD_JUMP_S)]
    if before > rows.size:
        warnings.append(f"dropped {before - rows.size} samples whose time went backwards "
                        "or jumped over a day")
    future = times[rows] > time.time() - FIT_EPOCH_UNIX_S + future_slack_s()
    if future.any():
        warnings.append(f"dropped {int(future.sum())} samples dated in the future (clock wrong?)")
    return rows[~future]


def _activity(info: dict, sport_info: dict, columns, rows, start, end, device, index, laps):
    warnings: list[str] = []
    times = columns[SLOT["timestamp"]]
    sport = _label(info.get("sport", sport_info.get("sport")), "sport") or "unknown"
    foot = sport in FOOT_SPORTS
    rows = _usable_rows(rows, times, start, warnings)
    if start is None and rows.size:
        start = float(times[rows[0]])
    if start is None:
        return None
    if start > time.time() - FIT_EPOCH_UNIX_S + future_slack_s():
        warnings.append("start time is in the future (device clock wrong?)")
    sample_times = times[rows] + FIT_EPOCH_UNIX_S
    values = _samples(columns, rows, foot)
    heart = values["heart_rate_bpm"]
    span = float(sample_times[-1] - sample_times[0]) if rows.size else None
    distance = finite_number(info.get("total_distance"))
    if distance is None and np.isfinite(values["distance_m"]).any():
        distance = float(np.nanmax(values["distance_m"]))
    cadence = None
    if foot:
        base = finite_number(info.get("avg_running_cadence")) or finite_number(info.get("avg_cadence"))
        fraction = finite_number(info.get("avg_fractional_cadence")) or 0.0
        cadence = (base + fraction) * 2.0 if base else streams.time_weighted_mean(
            sample_times, values["cadence_spm"])
    elapsed = finite_number(info.get("total_elapsed_time"))
    moving = finite_number(info.get("total_moving_time"))
    return ParsedActivity(
        sport=sport,
        sub_sport=_label(info.get("sub_sport", sport_info.get("sub_sport")), "sub_sport"),
        start=_utc(start),
        distance_m=distance,
        timer_s=finite_number(info.get("total_timer_time")) if "total_timer_time" in info else span,
        moving_s=moving if moving is not None else streams.moving_seconds(
            sample_times, values["speed_mps"]),
        elapsed_s=elapsed if elapsed is not None else (end - start if end is not None else span),
        # 0 bpm in a session means "no strap": fall back to samples, which may have none.
        avg_hr=finite_number(info.get("avg_heart_rate")) or streams.time_weighted_mean(sample_times, heart),
        max_hr=finite_number(info.get("max_heart_rate")) or streams.finite_max(heart),
        avg_cadence_spm=cadence,
        avg_speed_mps=finite_number(info.get("enhanced_avg_speed")) or finite_number(info.get("avg_speed")),
        ascent_m=finite_number(info.get("total_ascent")),
        device=device,
        session_index=index,
        samples=streams.samples_frame(sample_times, values),
        hr_seconds_by_bpm=streams.hr_seconds_by_bpm(sample_times, heart),
        warnings=warnings,
        laps=within(laps, _utc(start), None if end is None else _utc(end)),
    )


def _laps(decoded: Decoded) -> list:
    return [make_lap(None if (t := _fit_time(lap.get("start_time"))) is None else _utc(t), lap.get("total_timer_time"),
                     lap.get("total_distance"), lap.get("avg_heart_rate")) for lap in decoded.laps]


def decode_fit(data: bytes) -> Decoded:
    """The fast decoder (`fit_fast`) where it is sure to agree with fitdecode, else fitdecode itself.

    KNEEGUARD_FIT_DECODER=fitdecode forces the reference path (benchmarks, agreement tests).
    """
    if os.environ.get("KNEEGUARD_FIT_DECODER", "").lower() != "fitdecode":
        from kneeguard.ingest import fit_fast

        decoded = fit_fast.decode(data)
        if decoded is not None:
            return decoded
    return decode_with_fitdecode(data)


def read_fit(name: str, data: bytes, content_hash: str) -> ParsedFile:
    """Decode FIT bytes; raises IngestError when nothing usable can be read."""
    decoded = decode_fit(data)
    parsed = ParsedFile(source=name, content_hash=content_hash, format="fit")
    columns = column_arrays(decoded)
    times = columns[SLOT["timestamp"]]
    segment = np.zeros(times.size, dtype=np.int64)
    for first_row in decoded.segment_first_row[1:]:
        segment[first_row:] += 1
    timed = np.isfinite(times)
    reason = _not_activity_reason(decoded)
    if not decoded.sessions and not timed.any() and decoded.error and not reason:
        raise IngestError(name, f"{decoded.error}; nothing usable before it")
    if not decoded.sessions and (reason or not timed.any()):
        parsed.skipped_reason = reason or "FIT file has no sessions or timestamped records: nothing to import"
        return parsed
    if decoded.error:
        parsed.warnings.append(
            f"ignored trailing data that is not FIT ({decoded.error})" if decoded.trailing_only
            else f"{decoded.error}: kept the data decoded before the cut")
    device = _device_name(decoded)
    if decoded.sessions:
        windows = _session_windows(decoded, np.where(timed, times, -np.inf), segment)
        plan = [(info, mask, start, end) for (_, info), (mask, start, end)
                in zip(decoded.sessions, windows)]
    else:
        parsed.warnings.append(
            f"no session summary (file cut short?): totals computed from {int(timed.sum())} records")
        plan = [({}, timed, None, None)]
    laps = _laps(decoded)
    for index, (info, mask, start, end) in enumerate(plan):
        rows = np.flatnonzero(mask & timed)
        activity = _activity(info, decoded.sport, columns, rows, start, end, device, index, laps)
        if activity is not None:
            parsed.activities.append(activity)
    first = min((a.start for a in parsed.activities), default=None)
    if first is not None and first < _utc(FIT_ABSOLUTE_MIN):
        parsed.warnings.append(
            "device clock was not set: times count from device power-on, so the date "
            f"{first.date().isoformat()} is not the real date")
    if not parsed.activities:
        raise IngestError(name, "FIT sessions have no usable start time")
    return parsed


def _not_activity_reason(decoded: Decoded) -> str | None:
    kinds = [f.get("type") for f in decoded.file_ids if f.get("type") is not None]
    if not kinds or "activity" in kinds:
        return None
    kind = str(kinds[0])
    if kind.startswith("monitoring"):
        return "monitoring file, not an activity"
    return f"FIT file type {kind}, not an activity" if kind.isdigit() else f"{kind} file, not an activity"
