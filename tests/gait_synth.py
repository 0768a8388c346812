"""A simple 2D treadmill-running model with known truth, for gait tests.

Hip fixed in x (treadmill), bobbing vertically (lowest at mid-stance). Each
ankle slides backward at belt speed during stance and swings forward on a
half-sine arc; the knee comes from two-link inverse kinematics (knee ahead).
Feet are rigid heel/ankle/toe triangles pitched by a stance schedule, so the
lowest foot point touches the ground exactly from IC to TO.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kneeguard.gait.keypoints import CANONICAL_NAMES, KeypointSeries


@dataclass
class RunModel:
    fps: float = 60.0
    duration_s: float = 12.0
    cadence_spm: float = 170.0
    duty: float = 0.35
    direction: int = 1  # +1 faces image-right
    thigh: float = 200.0
    shank: float = 200.0
    hip_x: float = 500.0
    hip_y: float = 300.0
    ground_drop: float = 385.0  # ankle-at-ground y minus mean hip y (px)
    bob: float = 18.0  # vertical hip amplitude (px); oscillation = 2 * bob
    belt_px_s: float = 1300.0
    ic_ahead: float = 138.0  # ankle ahead of hip at IC (px)
    lift: float = 190.0
    strike_deg: float = 12.0  # foot pitch at IC (toe up positive)
    to_pitch_deg: float = -35.0
    trunk_deg: float = 8.0
    t0: float = 0.07
    walk: bool = False  # walking-like: duty > 0.5, no flight
    frame_size: tuple[int, int] = (1000, 800)
    truth: dict = field(default_factory=dict)

    @property
    def step_s(self) -> float:
        return 60.0 / self.cadence_spm

    @property
    def stride_s(self) -> float:
        return 2 * self.step_s

    @property
    def contact_s(self) -> float:
        return self.duty * self.stride_s

    def ic_times(self, side: str) -> np.ndarray:
        start = self.t0 + (0 if side == "right" else self.step_s)
        return np.arange(start - self.stride_s, self.duration_s + self.stride_s, self.stride_s)

    def _pitch_offsets(self, pitch_deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Heel and toe offsets from the ankle (image px) for a foot pitch."""
        d = self.direction
        p = np.radians(pitch_deg)[:, None]
        base = {"heel": (-25.0, 22.0), "toe": (90.0, 22.0)}  # (forward, down) px at zero pitch
        out = []
        for fwd, down in base.values():
            # rotate in (forward, up) then map to image: toe up for positive pitch
            up = -down
            f2 = fwd * np.cos(p) - up * np.sin(p)
            u2 = fwd * np.sin(p) + up * np.cos(p)
            out.append(np.concatenate([d * f2, -u2], axis=1))
        return out[0], out[1]

    def leg(self, side: str, t: np.ndarray) -> dict[str, np.ndarray]:
        tc, ts = self.contact_s, self.stride_s
        ics = self.ic_times(side)
        k = np.searchsorted(ics, t, side="right") - 1
        phase = t - ics[k]
        stance = phase < tc
        u = np.clip(phase / tc, 0, 1)
        s = np.clip((phase - tc) / (ts - tc), 0, 1)
        pitch_st = np.interp(u, [0, 0.3, 0.55, 1.0], [self.strike_deg, 0, 0, self.to_pitch_deg])
        pitch_sw = self.to_pitch_deg + (self.strike_deg - self.to_pitch_deg) * (1 - np.cos(np.pi * s)) / 2
        pitch = np.where(stance, pitch_st, pitch_sw)
        heel_o, toe_o = self._pitch_offsets(pitch)
        ground = self.hip_y + self.ground_drop
        ankle_y_ground = ground - np.maximum(heel_o[:, 1], toe_o[:, 1]) + 22.0
        d = self.direction
        x_ic = self.hip_x + d * self.ic_ahead
        x_to = x_ic - d * self.belt_px_s * tc
        ax = np.where(stance, x_ic - d * self.belt_px_s * phase, x_to + (x_ic - x_to) * (1 - np.cos(np.pi * s)) / 2)
        # (1 - s/2) halves the landing speed: a gentler, more lifelike knee extension before contact
        ay = np.where(stance, ankle_y_ground, ankle_y_ground - self.lift * np.sin(np.pi * s) * (1 - 0.5 * s))
        ankle = np.stack([ax, ay], axis=1)
        return {"ankle": ankle, "heel": ankle + heel_o, "toe": ankle + toe_o}

    def hip(self, t: np.ndarray) -> np.ndarray:
        mid = self.t0 + self.contact_s / 2
        y = self.hip_y + self.bob * np.cos(2 * np.pi * (t - mid) / self.step_s)
        return np.stack([np.full_like(t, self.hip_x), y], axis=1)

    def knee(self, hip: np.ndarray, ankle: np.ndarray) -> np.ndarray:
        v = ankle - hip
        dist = np.minimum(np.linalg.norm(v, axis=1), 0.9999 * (self.thigh + self.shank))
        u = v / np.linalg.norm(v, axis=1)[:, None]
        a = (self.thigh**2 - self.shank**2 + dist**2) / (2 * dist)
        h = np.sqrt(np.maximum(self.thigh**2 - a**2, 0))
        n = np.stack([-u[:, 1], u[:, 0]], axis=1)
        n *= np.where(n[:, 0] * self.direction >= 0, 1.0, -1.0)[:, None]
        return hip + a[:, None] * u + h[:, None] * n

    def points(self, t: np.ndarray) -> dict[str, np.ndarray]:
        hip = self.hip(t)
        pts: dict[str, np.ndarray] = {}
        for side in ("left", "right"):
            leg = self.leg(side, t)
            pts[f"{side}_hip"] = hip + np.array([2.0 if side == "left" else -2.0, 0.0])
            pts[f"{side}_knee"] = self.knee(pts[f"{side}_hip"], leg["ankle"])
            pts[f"{side}_ankle"], pts[f"{side}_heel"], pts[f"{side}_toe"] = leg["ankle"], leg["heel"], leg["toe"]
        lean = np.radians(self.trunk_deg)
        sh = hip + np.array([self.direction * np.sin(lean), -np.cos(lean)]) * 260.0
        pts["left_shoulder"], pts["right_shoulder"] = sh + [3.0, 0], sh - [3.0, 0]
        pts["nose"] = sh + np.array([self.direction * 35.0, -70.0])
        return pts

    def series(self, noise_px: float = 0.0, dropout: float = 0.0, swaps: list[tuple[int, int]] = (),
               seed: int = 0) -> KeypointSeries:
        """Sampled keypoints with optional Gaussian noise, random 1-3 frame dropouts and L/R swaps."""
        rng = np.random.default_rng(seed)
        t = np.arange(int(round(self.duration_s * self.fps))) / self.fps
        pts = self.points(t)
        names = list(CANONICAL_NAMES)
        xy = np.stack([pts[n] for n in names], axis=1)
        xy = xy + rng.normal(0, noise_px, xy.shape) if noise_px else xy
        vis = np.ones(xy.shape[:2])
        if dropout:
            for _ in range(int(dropout * len(t))):
                j, start = rng.integers(len(names)), rng.integers(len(t) - 3)
                vis[start:start + rng.integers(1, 4), j] = 0.0
            xy[vis == 0] = np.nan
        for a, b in swaps:
            for part in ("hip", "knee", "ankle", "heel", "toe"):
                li, ri = names.index(f"left_{part}"), names.index(f"right_{part}")
                xy[a:b, [li, ri]] = xy[a:b, [ri, li]]
        return KeypointSeries(names=names, xy=xy, visibility=vis, fps=self.fps, frame_size=self.frame_size,
                              source="synthetic")

    def true_events(self, side: str) -> tuple[np.ndarray, np.ndarray]:
        ic = self.ic_times(side)
        ic = ic[(ic > 0) & (ic < self.duration_s)]
        return ic, ic + self.contact_s

    def angle_at(self, t: float, fn) -> dict[str, float]:
        pts = self.points(np.array([t]))
        return fn(pts)


def walking_model(**kw) -> RunModel:
    """Walking-like: slow cadence, stance longer than half the stride (double support)."""
    return RunModel(cadence_spm=110.0, duty=0.62, bob=8.0, belt_px_s=500.0, ic_ahead=110.0, lift=60.0, **kw)
