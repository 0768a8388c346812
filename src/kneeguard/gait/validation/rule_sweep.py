"""The toe-off rule sweep the validation scripts share (docs/validation.md, issue 15).

One place for the development conditions and the candidates' detections, so that the rule selection
(scripts/select_toe_off_rule.py) and the per-speed table (scripts/validate_speeds.py) score the same
thing: a native keypoint series seen at its own rate, 60 and 30 fps, each noise-free and with 8 px of
pose noise per seed, analysed once per candidate rule.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pandas as pd

from kneeguard.gait.analysis import analyze_gait
from kneeguard.gait.events import EventParameters
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.validation.virtual_camera import add_noise, resample

LOWER_FPS = (60.0, 30.0)  # the phone frame rates seen after the native one
NOISE_PX = 8.0  # the pose noise of the marker trial's noisy rows (docs/validation.md)
# The pipeline has no rule of this name: per contact, the mean of these two rules' TO (same stances and ICs
# under every rule, so their rows pair up); added after the first cross-validation run.
MEAN_RULE = "forward_and_knee"
MEAN_OF = ("toe_forward", "knee_extension")
NO_EVENTS_COLUMNS = ["side", "ic_time_s", "to_time_s", "valid"]


@dataclass(frozen=True)
class Condition:
    """How the camera saw the series: frame rate, pose noise in px (0: none) and the noise seed (0 when none)."""

    fps: float
    noise_px: float
    seed: int


# Called with the condition, the rule and the error of an analysis that failed; without one the error propagates.
OnFailure = Callable[[Condition, str, GaitError], None]


def camera_conditions(native: KeypointSeries, seeds: Iterable[int]) -> Iterator[tuple[Condition, KeypointSeries]]:
    """`native` at its own rate and each lower one, noise-free then with noise under every seed, in that order."""
    seeds = list(seeds)
    for fps in (native.fps, *LOWER_FPS):
        base = native if fps == native.fps else resample(native, fps)
        for sigma, seed in [(0.0, 0)] + [(NOISE_PX, s) for s in seeds]:
            yield Condition(fps, sigma, seed), (add_noise(base, sigma, seed) if sigma else base)


def rule_events(series: KeypointSeries, rules: Iterable[str], height_cm: float, condition: Condition,
                on_failure: OnFailure | None = None) -> dict[str, pd.DataFrame]:
    """Each rule's detected events on `series` (a treadmill side view), in the order of `rules`; MEAN_RULE needs
    its two rules listed before it. A failed analysis raises, or with `on_failure` is reported there and
    detects nothing."""
    found: dict[str, pd.DataFrame] = {}
    for rule in rules:
        if rule == MEAN_RULE:
            first, second = (found[name] for name in MEAN_OF)
            found[rule] = first.assign(to_time_s=(first["to_time_s"] + second["to_time_s"]) / 2)
            continue
        try:
            found[rule] = analyze_gait(series, view="side", height_cm=height_cm, treadmill=True,
                                       event_parameters=EventParameters(to_rule=rule)).events
        except GaitError as exc:
            if on_failure is None:
                raise
            on_failure(condition, rule, exc)
            found[rule] = pd.DataFrame(columns=NO_EVENTS_COLUMNS)
    return found


def sweep(native: KeypointSeries, seeds: Iterable[int], rules: Iterable[str], height_cm: float,
          on_failure: OnFailure | None = None) -> Iterator[tuple[Condition, dict[str, pd.DataFrame]]]:
    """Every camera condition with every rule's detected events under it."""
    rules = list(rules)
    for condition, series in camera_conditions(native, seeds):
        yield condition, rule_events(series, rules, height_cm, condition, on_failure)
