"""Initial contact (IC) and toe-off (TO) per foot from 2D side-view keypoints, in two passes.

Pass 1 (segmentation): a foot's *clearance* is how far its lowest point (heel
or toe, else ankle) is above that point's own ground level (a high percentile
of its image y). Stretches with clearance below a coarse fraction of the foot's
vertical range are candidate stances; short gaps are merged.

Pass 2 (timing) uses the foot's horizontal motion, the strongest contact cue
in a side view (shared/evidence/gait.md §2.1): during stance the foot moves
backward relative to the runner at running (belt) speed, in late swing it moves
forward and then retracts. Horizontal positions are taken relative to the
hips' stride-averaged position, so a treadmill, a fixed camera overground and
a panning camera all give the same picture. The stance speed is the median
ankle velocity over the middle halves of the candidate stances (on a
treadmill, the belt speed).
* IC = where the ankle's backward speed reaches 55 % of the stance speed on the
  way into stance: about the midpoint of the swing-to-stance speed change, the
  foot landing still drifting forward relative to the belt (a zero-lag low-pass
  widens such a step's ramp but does not move its midpoint).
* The toe's slip off the stance ground (vector norm of its velocity minus the stance
  velocity) passing 30 % of the stance speed, averaged with its steepest rise, brackets
  the push-off; TO itself is the knee's largest extension from mid-stance to 250 ms later
  (Fellin et al. 2010), located by a least-squares parabola over a quarter period of the knee
  signal's cut-off, chosen by cross-validation (docs/validation.md; the rules: `toe_off_rules`).
  Without hip/knee/ankle the slip TO is kept.
The timing signals are low-passed further when the keypoints are noisy: the noise is
measured by residual analysis (`signals.keypoint_noise`) and the cut-off lowered until
the noise left in the slip is a third of its threshold (`event_cutoff`).
Both are sub-frame (linear interpolation between samples).
When there is no usable stance speed (no horizontal motion, missing points), the
vertical rule is used: IC where the clearance reaches a fine threshold on the way
down, TO where the toe leaves it, each extrapolated to the ground by at most one frame.
Then L/R alternation is checked and implausible contacts are flagged invalid.

Calibration (docs/validation.md; Fukuchi et al. 2017 treadmill subject RBDS001 seen
by a virtual side camera, force-plate truth): `ic_speed_fraction` and `to_slip_fraction`
were chosen at 150 Hz in issue 11 and checked at 60 and 30 fps, with 8 px noise, on the real
male_side clip and on the synthetic model; the TO rule was chosen in issue 15 by cross-validation. `to_slip_fraction` is the sensitive one
(±0.05 moves TO by ≈ ±10 ms) because the marker used as "toe" (first metatarsal head)
starts to lift before the hallux leaves the ground. All these numbers are the fields
of `EventParameters`; validation may pass others to `detect_events`/`analyze_gait`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.ndimage import uniform_filter1d

from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.knee_toe_off import knee_extension_to, knee_flexion_signal
from kneeguard.gait.signals import extremum_half_window, lowpass, velocity_noise_sd
from kneeguard.gait.toe_off_rules import (COMBINED_RULE, KNEE_RULES, LEAST_SQUARES_RULES, check_rule,
                                          combine_toe_offs, slip_rule)
from kneeguard.numbers import mean_of_present


@dataclass(frozen=True)
class EventParameters:
    """The thresholds of contact detection; the defaults are the calibrated ones (see the module docstring).

    - ground_percentile = 95: a foot point's ground level is the 95th percentile of its image y
      (image y points down: the lowest 5 % of its positions are noise or a slipping foot).
    - coarse_fraction = 0.20: pass-1 stance is the foot within 20 % of its vertical range of the ground.
    - coarse_cutoff_hz = 6: pass-1 low-pass; a stance (≥ 0.15 s) survives it, one-frame dips do not.
    - fine_fraction = 0.05: vertical fallback rule: contact when within 5 % of the range of the ground.
    - min_contact_s = 0.06: a contact shorter than 60 ms is noise, not a stance (running contacts are ≥ 150 ms).
    - ic_speed_fraction = 0.55: IC where the ankle is back to 55 % of the stance speed (the foot lands
      still moving forward relative to the belt: the midpoint of the swing-to-stance speed change).
    - to_slip_fraction = 0.30: TO where the toe slips off the stance ground at 30 % of the stance speed.
    - to_slip_clear = 0.60: at this slip the toe is certainly airborne: the TO search stops there.
    - to_peak_window_s = 0.04: the steepest slip rise is looked for within 40 ms of the threshold crossing.
    - search_s = 0.15: the timing pass may look 150 ms outside a pass-1 stance.
    - min_stance_speed = 0.5: a stance speed below half the foot's median swing speed is too close to the
      noise: the vertical rule is used instead of the motion rule.
    - to_rule = "knee_extension_lsq": TO at the knee's largest extension after mid-stance (Fellin et al.
      2010), located by a least-squares parabola over a quarter period of the knee signal's low-pass
      cut-off on each side (`extremum_half_window`: no constant, the window follows the rate and the
      cut-off; at 60 and 30 fps it is the three-point parabola of "knee_extension"). Chosen by
      leave-one-stride-group-out cross-validation (scripts/select_toe_off_rule.py, docs/validation.md,
      issue 15's third pass). "forward_and_knee_lsq" (its per-contact mean with "toe_forward") failed the
      gate for becoming the default (fifth pass) and stays available by name. All rules: `toe_off_rules`.
    - knee_window_s = 0.25: the largest extension is looked for from mid-stance to 250 ms after it (the
      window the cross-validation used; a running stance's second half is 80-150 ms).
    - noise_guard_sd = 3: the timing signals are low-passed further until the keypoint noise left in them has
      an SD of at most 1/3 of the TO threshold (noise alone then crosses it in < 0.3 % of samples).
    - min_event_cutoff_hz = 3: never below 3 Hz, a little above the stride frequency (≈ 1.3 Hz) doubled.
    """

    ground_percentile: float = 95.0
    coarse_fraction: float = 0.20
    coarse_cutoff_hz: float = 6.0
    fine_fraction: float = 0.05
    min_contact_s: float = 0.06
    ic_speed_fraction: float = 0.55
    to_slip_fraction: float = 0.30
    to_slip_clear: float = 0.60
    to_peak_window_s: float = 0.04
    search_s: float = 0.15
    min_stance_speed: float = 0.5
    to_rule: str = "knee_extension_lsq"
    knee_window_s: float = 0.25
    noise_guard_sd: float = 3.0
    min_event_cutoff_hz: float = 3.0


    def __post_init__(self):
        check_rule(self.to_rule)


DEFAULT_EVENT_PARAMETERS = EventParameters()
EVENT_COLUMNS = ("side", "ic_time_s", "to_time_s", "ic_frame", "to_frame", "valid", "note")


def foot_clearance(series: KeypointSeries, side: str,
                   params: EventParameters = DEFAULT_EVENT_PARAMETERS) -> tuple[np.ndarray, np.ndarray, float]:
    """Per-frame clearance of the foot's lowest point, the toe's own clearance, and the foot's vertical range.

    Image y points down, so clearance = ground_y − y (≥ 0 in swing, ≈ 0 in stance).
    """
    parts = [p for p in ("heel", "toe") if series.has(f"{side}_{p}")] or ["ankle"]
    clears, ranges = [], []
    for p in parts:
        y = series.point(f"{side}_{p}")[:, 1]
        if not np.isfinite(y).any():
            continue
        ground = np.nanpercentile(y, params.ground_percentile)
        clears.append(ground - y)
        ranges.append(ground - np.nanpercentile(y, 5))
    if not clears:
        raise GaitError(f"no {side} foot keypoints: cannot find gait events")
    stack = np.stack(clears)
    with np.errstate(invalid="ignore"):
        lowest = np.where(np.isnan(stack).all(0), np.nan, np.nanmin(np.where(np.isnan(stack), np.inf, stack), 0))
    toe = clears[parts.index("toe")] if "toe" in parts else lowest
    return lowest, toe, float(np.nanmedian(ranges))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    d = np.diff(padded)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def candidate_stances(clear: np.ndarray, span: float, fps: float,
                      params: EventParameters = DEFAULT_EVENT_PARAMETERS) -> list[tuple[int, int]]:
    """Pass 1: frame ranges [start, end) where the foot is near the ground, merged and length-checked."""
    # pass 1 only brackets the stances: a heavier smoothing keeps a jittery toe that barely
    # lifts (forefoot strikers seen with pose noise) from bridging two stances through a swing
    near = np.nan_to_num(lowpass(clear, fps, params.coarse_cutoff_hz), nan=np.inf) < params.coarse_fraction * span
    runs = _runs(near)
    if len(runs) < 2:
        return runs
    # merge stances split by a noisy frame or two (gap < 30 % of the typical stance-to-stance gap)
    starts = np.array([s for s, _ in runs])
    typical = np.median(np.diff(starts)) if len(starts) > 2 else np.inf
    merged = [runs[0]]
    for s, e in runs[1:]:
        if s - merged[-1][1] < 0.3 * typical:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return [(s, e) for s, e in merged if (e - s) / fps >= params.min_contact_s * 0.5]


def _last_rise(sig: np.ndarray, i0: int, i1: int, level: float) -> float | None:
    """Sub-frame index of the last upward crossing of `level` between samples i0 and i1 (None if none).

    The last one, so a noisy wiggle earlier in the window cannot fire the event early.
    """
    found = None
    for i in range(max(i0, 0), min(i1, len(sig) - 1)):
        a, b = sig[i], sig[i + 1]
        if np.isfinite(a) and np.isfinite(b) and a < level <= b:
            found = i + (level - a) / (b - a)
    return found


def _touch(sig: np.ndarray, j: int, step: int) -> float:
    """Where the flight line through samples j-2*step, j-step (both off the ground) meets zero.

    `j` is the first (step=1, landing) or last (step=-1, take-off) sample at or below the
    fine threshold; the answer stays between j-step and j so it moves the event at most a frame.
    """
    a, b = j - 2 * step, j - step
    if min(a, b) < 0 or max(a, b) >= len(sig) or not np.isfinite(sig[a]) or not np.isfinite(sig[b]):
        return float(j)
    v = sig[a] - sig[b]  # clearance lost per sample while approaching the ground
    if v <= 0:
        return float(j)
    frac = min(sig[b] / v, 1.0)
    return b + step * frac


def vertical_contact(clear: np.ndarray, toe: np.ndarray, stance: tuple[int, int], span: float,
                     params: EventParameters = DEFAULT_EVENT_PARAMETERS) -> tuple[float, float]:
    """Fallback timing: sub-frame IC and TO (frames) from clearance thresholds around one candidate stance."""
    s, e = stance
    fine = params.fine_fraction * span
    lo, hi = max(s - 1, 0), min(e + 1, len(clear))
    down = np.flatnonzero(np.nan_to_num(clear[lo:hi], nan=np.inf) <= fine)
    ic = _touch(clear, lo + int(down[0]), 1) if down.size else float(s)
    sig = toe if np.isfinite(toe[lo:hi]).any() else clear
    on = np.flatnonzero(np.nan_to_num(sig[lo:hi], nan=np.inf) <= fine)
    to = _touch(sig, lo + int(on[-1]), -1) if on.size else float(e)
    return ic, to


def body_reference_x(series: KeypointSeries, stride_frames: int) -> np.ndarray:
    """The runner's horizontal position averaged over one stride (removes camera pan and drift, not the stride)."""
    hips = np.stack([series.point(f"{s}_hip")[:, 0] for s in ("left", "right")])
    x = mean_of_present(hips, axis=0)
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.zeros(series.n_frames)
    x = np.interp(np.arange(len(x)), np.flatnonzero(ok), x[ok])
    return uniform_filter1d(x, max(stride_frames, 1), mode="nearest")


class FootMotion:
    """A foot's horizontal motion relative to the runner, scaled by its stance (belt) velocity."""

    def __init__(self, series: KeypointSeries, side: str, stances: list[tuple[int, int]], ref_x: np.ndarray,
                 min_stance_speed: float = DEFAULT_EVENT_PARAMETERS.min_stance_speed):
        self.min_stance_speed = min_stance_speed
        toe_name = f"{side}_toe" if series.has(f"{side}_toe") else f"{side}_ankle"
        self.ankle = self._velocity(series.point(f"{side}_ankle"), ref_x, series.fps)
        self.toe = self._velocity(series.point(toe_name), ref_x, series.fps)
        self.stance_vx = self._stance_vx(self.ankle[:, 0], stances)
        self.toe_stance_vx = self._stance_vx(self.toe[:, 0], stances)

    @staticmethod
    def _velocity(xy: np.ndarray, ref_x: np.ndarray, fps: float) -> np.ndarray:
        rel = xy - np.stack([ref_x, np.zeros_like(ref_x)], axis=1)
        return np.gradient(rel, axis=0) * fps

    @staticmethod
    def _stance_vx(vx: np.ndarray, stances: list[tuple[int, int]]) -> float:
        """Median horizontal velocity over the middle half of each stance: flat-foot, on-the-ground frames."""
        cores = [vx[s + (e - s) // 4: e - (e - s) // 4 + 1] for s, e in stances]
        values = np.concatenate(cores) if cores else np.array([])
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else float("nan")

    def usable(self) -> bool:
        """A stance speed clearly above the noise: at least `min_stance_speed` of the foot's typical speed in swing."""
        v, swing = self.stance_vx, np.abs(self.ankle[:, 0])
        if not (np.isfinite(v) and np.isfinite(self.toe_stance_vx) and np.isfinite(swing).any()):
            return False
        return abs(v) >= self.min_stance_speed * float(np.nanmedian(swing)) and v * self.toe_stance_vx > 0

    def speed_ratio(self) -> np.ndarray:
        """Ankle velocity as a share of the stance velocity: ≈ 1 in stance, ≤ 0 in late swing."""
        return self.ankle[:, 0] / self.stance_vx

    def toe_slip(self, rule: str = "toe_slip") -> np.ndarray:
        """Toe speed relative to the stance ground, as a share of the stance speed: ≈ 0 while planted.

        "toe_slip" is the 2D speed; "toe_forward" the horizontal part only (the foot's forward velocity change).
        """
        rel = self.toe - np.array([self.toe_stance_vx, 0.0])
        speed = np.abs(rel[:, 0]) if rule == "toe_forward" else np.hypot(rel[:, 0], rel[:, 1])
        return speed / abs(self.toe_stance_vx)


def event_cutoff(noise: float, fps: float, stance_speed: float, cleaned_cutoff_hz: float,
                 params: EventParameters = DEFAULT_EVENT_PARAMETERS) -> float | None:
    """The extra low-pass (Hz) the timing signals need, or None when the cleaned keypoints are quiet enough.

    The bandwidth is set by the noise, not by the trial: the highest cut-off at which the velocity
    noise left in the slip signal is at most `to_slip_fraction / noise_guard_sd` of the stance speed.
    """
    if not (noise > 0 and np.isfinite(stance_speed) and stance_speed != 0):
        return None
    limit = abs(stance_speed) * params.to_slip_fraction / params.noise_guard_sd
    if velocity_noise_sd(noise, fps, [cleaned_cutoff_hz]) <= limit:
        return None
    for fc in np.arange(cleaned_cutoff_hz, params.min_event_cutoff_hz - 1e-9, -0.25):
        if velocity_noise_sd(noise, fps, [cleaned_cutoff_hz, fc]) <= limit:
            return float(fc)
    return params.min_event_cutoff_hz


def _steepest_near(sig: np.ndarray, at: float | None, half_window: int) -> float | None:
    """Sub-frame index of the steepest rise of `sig` within `half_window` samples of `at` (parabolic peak).

    Keeps `at` when the steepest sample is on the window's edge (no local peak there).
    """
    if at is None:
        return None
    slope = np.gradient(sig)
    i0, i1 = int(np.floor(at)) - half_window, int(np.ceil(at)) + half_window
    if i0 < 1 or i1 >= len(sig) - 1 or not np.isfinite(slope[i0:i1 + 1]).all():
        return at
    i = i0 + int(np.argmax(slope[i0:i1 + 1]))
    if i in (i0, i1):
        return at
    a, b, c = slope[i - 1], slope[i], slope[i + 1]
    den = a - 2 * b + c
    return float(i) if den == 0 else i + 0.5 * (a - c) / den


def motion_contact(ratio: np.ndarray, slip: np.ndarray, stance: tuple[int, int], fps: float,
                   params: EventParameters = DEFAULT_EVENT_PARAMETERS) -> tuple[float | None, float | None]:
    """Sub-frame IC and TO (frames) from the foot's horizontal motion around one candidate stance."""
    s, e = stance
    mid = (s + e) // 2
    reach = int(round(params.search_s * fps))
    ic = _last_rise(ratio, s - reach, mid, params.ic_speed_fraction)
    end = mid  # the TO search stops once the toe is certainly airborne
    while end < min(e + reach, len(slip) - 1) and not slip[end] >= params.to_slip_clear:
        end += 1
    to = _last_rise(slip, mid, end + 1, params.to_slip_fraction)
    if to is not None:
        # the lift-off is where the slip rises fastest; averaging it with the threshold crossing
        # keeps the crossing's robustness to noise and the peak's independence of the foot's push-off style
        steepest = _steepest_near(slip, to, max(1, int(round(params.to_peak_window_s * fps))))
        to = 0.5 * (to + steepest)
    return ic, to


def detect_events(series: KeypointSeries, params: EventParameters = DEFAULT_EVENT_PARAMETERS,
                  noise: float = 0.0, cleaned_cutoff_hz: float | None = None) -> pd.DataFrame:
    """IC/TO for both feet (side view), one row per contact, sorted by IC time.

    `noise` is the keypoints' jitter (SD, `signals.keypoint_noise`) and `cleaned_cutoff_hz` the
    low-pass they already had; with both, the timing signals get the extra low-pass `event_cutoff` asks
    for (recorded per side in `events.attrs["event_cutoff_hz"]`).
    Columns: side, ic_time_s, to_time_s, ic_frame, to_frame (float, sub-frame),
    valid (bool) and note (why a contact was rejected).
    """
    segments = {}
    for side in ("left", "right"):
        clear, toe, span = foot_clearance(series, side, params)
        if np.isfinite(span) and span > 0:
            segments[side] = (clear, toe, span, candidate_stances(clear, span, series.fps, params))
    strides = [np.median(np.diff([s for s, _ in st])) for *_, st in segments.values() if len(st) > 1]
    ref_x = body_reference_x(series, int(np.median(strides)) if strides else int(round(0.7 * series.fps)))
    rows, cutoffs = [], {}
    for side, (clear, toe, span, stances) in segments.items():
        motion = FootMotion(series, side, stances, ref_x, params.min_stance_speed)
        use_motion = motion.usable()
        fc = event_cutoff(noise, series.fps, motion.toe_stance_vx, cleaned_cutoff_hz, params) \
            if use_motion and cleaned_cutoff_hz else None
        cutoffs[side] = fc
        if fc is not None:
            quiet = KeypointSeries(series.names, lowpass(series.xy, series.fps, fc), series.visibility, series.fps)
            motion = FootMotion(quiet, side, stances, ref_x, params.min_stance_speed)
        ratio, slip = (motion.speed_ratio(), motion.toe_slip(slip_rule(params.to_rule))) if use_motion else (None, None)
        forward = motion.toe_slip("toe_forward") if use_motion and params.to_rule == COMBINED_RULE else None
        flex = knee_flexion_signal(series, side, fc) if params.to_rule in KNEE_RULES else None
        # the knee signal's band: the extra event low-pass if any, else the cleaning's own cut-off
        half_window = extremum_half_window(series.fps, fc or cleaned_cutoff_hz) \
            if params.to_rule in LEAST_SQUARES_RULES else 1
        for stance in stances:
            ic, to = vertical_contact(clear, toe, stance, span, params)
            to_foot = to_knee = None
            if use_motion:
                ic_m, to_m = motion_contact(ratio, slip, stance, series.fps, params)
                ic, to = (ic if ic_m is None else ic_m), (to if to_m is None else to_m)
                if forward is not None:  # the combined rule's foot estimate (same IC, forward slip)
                    to_foot = motion_contact(ratio, forward, stance, series.fps, params)[1]
            if flex is not None:
                to_knee = knee_extension_to(flex, ic, to, series.fps, params.knee_window_s, half_window)
            to = combine_toe_offs(to, to_foot, to_knee)
            rows.append({"side": side, "ic_frame": ic, "to_frame": to})
    events = pd.DataFrame(rows, columns=["side", "ic_frame", "to_frame"])
    events = events.sort_values("ic_frame", ignore_index=True)
    events["ic_time_s"] = events["ic_frame"] / series.fps
    events["to_time_s"] = events["to_frame"] / series.fps
    out = check_events(events, series.n_frames, series.fps, params.min_contact_s)
    out.attrs["event_cutoff_hz"] = cutoffs
    return out


def check_events(events: pd.DataFrame, n_frames: int, fps: float,
                 min_contact_s: float = DEFAULT_EVENT_PARAMETERS.min_contact_s) -> pd.DataFrame:
    """Mark implausible contacts invalid: cut at the clip edges, too short, or breaking L/R alternation."""
    valid = np.ones(len(events), dtype=bool)
    notes = [""] * len(events)
    contact = (events["to_frame"] - events["ic_frame"]).to_numpy() / fps
    for i in range(len(events)):
        if events["ic_frame"].iat[i] < 1 or events["to_frame"].iat[i] > n_frames - 2:
            valid[i], notes[i] = False, "cut by the clip edge"
        elif contact[i] < min_contact_s:
            valid[i], notes[i] = False, "contact too short"
    stride = np.median(contact[valid]) * 3 if valid.any() else np.inf
    for i in range(len(events)):
        if valid[i] and contact[i] > stride:
            valid[i], notes[i] = False, "contact too long"
    sides = events["side"].to_numpy()
    for i in range(1, len(events)):
        if sides[i] == sides[i - 1] and valid[i] and valid[i - 1]:
            notes[i] = "same foot twice in a row (a contralateral contact was missed)"
    out = events.assign(valid=valid, note=notes)
    return out[list(EVENT_COLUMNS)]
