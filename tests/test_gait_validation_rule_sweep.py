"""The toe-off rule sweep shared by scripts/select_toe_off_rule.py and scripts/validate_speeds.py, with a
stand-in analysis (the real one is what those scripts measure)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.validation import rule_sweep


def tiny_series(fps: float = 150.0, seconds: float = 1.0) -> KeypointSeries:
    frames = int(fps * seconds)
    t = np.arange(frames) / fps
    xy = np.stack([np.stack([np.sin(t), np.cos(t)], axis=1), np.stack([t, 2 * t], axis=1)], axis=1)
    return KeypointSeries(names=["a", "b"], xy=xy, visibility=np.ones((frames, 2)), fps=fps)


def test_the_conditions_are_native_then_lower_rates_each_noise_free_then_per_seed():
    native = tiny_series()
    seen = [(c, s) for c, s in rule_sweep.camera_conditions(native, [1, 2])]
    assert [(c.fps, c.noise_px, c.seed) for c, _ in seen] == [
        (fps, noise, seed) for fps in (150.0, 60.0, 30.0) for noise, seed in ((0.0, 0), (8.0, 1), (8.0, 2))]
    assert seen[0][1] is native  # noise-free at the native rate: the series itself
    assert [s.fps for _, s in seen] == [150.0] * 3 + [60.0] * 3 + [30.0] * 3
    assert not np.allclose(seen[1][1].xy, native.xy) and seen[1][1].meta["noise_seed"] == 1


def stand_in(failing: str | None = None):
    """analyze_gait's stand-in: two contacts whose TO time names the rule (toe_forward 1.0 s, knee_extension 2.0 s...)."""
    to_s = {"toe_slip": 0.5, "toe_forward": 1.0, "knee_extension": 2.0}

    def analyze(series, view, height_cm, treadmill, event_parameters):
        assert view == "side" and treadmill and height_cm == 181
        rule = event_parameters.to_rule
        if rule == failing:
            raise GaitError("feet are on the ground 51% of the stride")
        return SimpleNamespace(events=pd.DataFrame({"side": ["left", "right"], "ic_time_s": [0.1, 0.4],
                                                    "to_time_s": [to_s[rule], to_s[rule] + 0.3], "valid": True}))
    return analyze


def test_the_mean_rule_averages_its_two_rules_per_contact(monkeypatch):
    monkeypatch.setattr(rule_sweep, "analyze_gait", stand_in())
    found = rule_sweep.rule_events(tiny_series(), ("toe_slip", "toe_forward", "knee_extension", "forward_and_knee"),
                                   181, rule_sweep.Condition(150.0, 0.0, 0))
    assert list(found) == ["toe_slip", "toe_forward", "knee_extension", "forward_and_knee"]
    assert found["forward_and_knee"]["to_time_s"].tolist() == pytest.approx([1.5, 1.8])
    assert found["forward_and_knee"]["ic_time_s"].tolist() == [0.1, 0.4]


def test_a_failed_analysis_raises_or_is_reported_and_detects_nothing(monkeypatch):
    monkeypatch.setattr(rule_sweep, "analyze_gait", stand_in(failing="toe_slip"))
    rules = ("toe_slip", "toe_forward")
    with pytest.raises(GaitError):
        next(rule_sweep.sweep(tiny_series(), [1], rules, height_cm=181))
    reported = []
    sweep = list(rule_sweep.sweep(tiny_series(), [1], rules, height_cm=181,
                                  on_failure=lambda c, rule, exc: reported.append((c.fps, c.seed, rule))))
    assert reported == [(fps, seed, "toe_slip") for fps in (150.0, 60.0, 30.0) for seed in (0, 1)]
    assert all(found["toe_slip"].empty and len(found["toe_forward"]) == 2 for _, found in sweep)
