"""Whether one clip's evidence is good enough to act on: the one quality score and the step-count gate.

`clip_quality` computes the clip's 0-1 quality score here and only here, as the product of
documented components (docs/keypoints.md, "Clip quality score"): pose visibility, step
regularity, enough steps, usable contacts, leg-label swaps fixed, view, frame rate and
resolution. `QualityScore.describe()` says what it means in words, for the CLI, report and web.

A clip below the registry's quality score (`gait.capture.doubtful_quality`) or with fewer
steps than a stable 2D mean needs (`gait.capture.stable_steps`) still shows its findings,
but each is marked uncertain with the reason and what to do: film again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from kneeguard import evidence
from kneeguard.findings import Finding, mark_uncertain

OBLIQUE_HIP_GAP = 0.12  # side view: hips more than this share of body height apart across the image = oblique
MIN_RUNNER_PX = 300  # a runner shorter than this in the image has keypoints only a few pixels apart
LOW_SHARE = 0.5  # a component below this (or a rate below the registry's) is named as a reason

# Words for every reader (terminal, web page, printed report): no command line in them.
REFILM = ("film again (20-30 s of easy running from the side, phone at hip height, the whole body in view, "
          "60 fps or more) and analyse the new clip")


@dataclass(frozen=True)
class QualityPart:
    """One component of the quality score in words: what it measures, this clip's value, and its factor (0-1;
    the score is the product of the factors). `value`/`factor` are None where the page explains the score
    without a clip (or for a summary stored before components were kept)."""

    name: str
    means: str
    value: str | None = None
    factor: float | None = None


# What each component means, in the order of QualityScore's fields; values are read from the registry and
# the constants above so the words and the computation cannot drift apart.
def _part_meanings() -> list[tuple[str, str]]:
    stable = int(evidence.value("gait.capture.stable_steps"))
    contact_fps = evidence.value("gait.capture.contact_fps")
    return [
        ("Pose visibility", "share of the leg keypoints the pose model found, after cleaning; a hidden or "
         "blurred leg lowers it"),
        ("Step regularity", "how even the step times are (1 − 3 × their coefficient of variation): irregular "
         "steps mean missed or false landings"),
        ("Enough steps", f"steps measured over the {stable} a stable average needs"),
        ("Usable contacts", "share of the detected foot contacts that became usable steps"),
        ("Leg swaps", "left/right label swaps the cleaning had to correct; 1 − the share of swapped frames "
         "(at most 0.5 off)"),
        ("Camera view", f"how side-on a side view is (hips more than {OBLIQUE_HIP_GAP:.0%} of body height apart "
         "across the image count as oblique)"),
        ("Frame rate", f"0.5 + 0.5 × frames per second over {contact_fps:g} (the rate that resolves ground "
         "contact), at most 1"),
        ("Resolution", f"the runner's height in the image over {MIN_RUNNER_PX} px (at most 1; 1 when unknown)"),
    ]


def quality_parts(score: QualityScore | None = None) -> list[QualityPart]:
    """The score's components in words, with this clip's values and factors when `score` is given."""
    meanings = _part_meanings()
    if score is None:
        return [QualityPart(name, means) for name, means in meanings]
    values = [
        (f"{score.visibility:.2f}", score.visibility), (f"{score.regularity:.2f}", score.regularity),
        (f"{score.steps} steps", score.steps_factor), (f"{score.kept:.0%}", score.kept),
        (f"{score.swaps_fixed} fixed", score.swaps_factor), (score.view or "unknown", score.view_factor),
        (f"{score.fps:.0f} fps", score.frame_rate_factor),
        (f"{score.runner_px:.0f} px" if score.runner_px else "unknown", score.resolution_factor),
    ]
    return [QualityPart(name, means, value, factor) for (name, means), (value, factor) in zip(meanings, values)]


def doubtful_meaning() -> str:
    """What a doubtful clip implies, in words (the gate `gate_findings` applies)."""
    limit = evidence.value("gait.capture.doubtful_quality")
    stable = int(evidence.value("gait.capture.stable_steps"))
    return (f"The score is the product of the components, from 0 to 1. Below {limit:g}, or with fewer than "
            f"{stable} steps, the clip is doubtful: its findings are still shown but each is marked uncertain, "
            "none of them changes the plan, and the clip should be filmed again (the filming guide says how).")


def quality_words(quality: float) -> str:
    """'quality 0.57 of 1 (doubtful below 0.5)': the score with its scale and gate, wherever a page names it
    only in passing (a physiotherapist could not tell what 0.57 meant)."""
    return f"quality {quality:.2f} of 1 (doubtful below {evidence.value('gait.capture.doubtful_quality'):g})"


def clip_doubt(quality: float | None, n_steps: int | None) -> str | None:
    """Why this clip's findings are doubtful and what to do, or None when it is good enough (or not rated)."""
    reasons = []
    limit = evidence.value("gait.capture.doubtful_quality")
    if isinstance(quality, (int, float)) and quality < limit:
        reasons.append(f"video quality {quality:.2f} is below {limit}")
    stable = int(evidence.value("gait.capture.stable_steps"))
    if isinstance(n_steps, int) and 0 < n_steps < stable:  # 0: not counted (older summaries), not judged
        reasons.append(f"only {n_steps} steps were measured (a stable average needs {stable})")
    return f"{'; '.join(reasons)}: {REFILM}" if reasons else None


def gate_findings(findings: list[Finding], quality: float | None, n_steps: int | None) -> list[Finding]:
    """The clip's findings, each marked uncertain when the clip is doubtful."""
    return mark_uncertain(findings, clip_doubt(quality, n_steps))


@dataclass(frozen=True)
class QualityScore:
    """The clip's quality score and its components; `score` is the product of the factors (each 0-1).

    visibility: share of leg keypoints present after cleaning; regularity: 1 - 3 x the coefficient of
    variation of step times; steps / steps_factor: plausible steps and their share of the stable count
    (`gait.capture.stable_steps`); kept: share of detected contacts that became usable steps;
    swaps_fixed / swaps_factor: left/right label swaps the cleaning corrected and 1 - the swapped share
    of frames (at most 0.5 off); view / view_factor: the camera view and how side-on it is; fps /
    frame_rate_factor: 0.5 + 0.5 x fps over `gait.capture.contact_fps` (at most 1); runner_px /
    resolution_factor: the runner's height in the image over MIN_RUNNER_PX (at most 1; 1 when unknown).
    """

    score: float
    visibility: float
    regularity: float
    steps: int
    steps_factor: float
    kept: float
    swaps_fixed: int
    swaps_factor: float
    view: str
    view_factor: float
    fps: float
    frame_rate_factor: float
    runner_px: float | None
    resolution_factor: float

    @property
    def level(self) -> str:
        return "low" if self.score < evidence.value("gait.capture.doubtful_quality") else "good"

    def reasons(self) -> list[str]:
        """The components that pulled the score down, in words."""
        out = []
        if self.visibility < 0.9:
            out.append(f"pose visibility {self.visibility:.2f}")
        if self.regularity < LOW_SHARE:
            out.append(f"irregular step times (regularity {self.regularity:.2f})")
        if self.steps_factor < 1:
            out.append(f"only {self.steps} steps (a stable average needs {int(evidence.value('gait.capture.stable_steps'))})")
        if self.kept < 0.8:
            out.append(f"{1 - self.kept:.0%} of contacts unusable")
        if self.swaps_fixed:
            out.append(f"{self.swaps_fixed} leg swap{'s' if self.swaps_fixed != 1 else ''} fixed")
        if self.view_factor < 1:
            out.append(f"{self.view} view not side-on")
        if self.frame_rate_factor < 1:
            out.append(f"{self.fps:.0f} fps")
        if self.resolution_factor < 1 and self.runner_px:
            out.append(f"runner only {self.runner_px:.0f} px tall")
        return out

    def describe(self) -> str:
        """'quality 0.34 of 1: low — pose visibility 0.60, only 5 steps, 2 leg swaps fixed; film again …'."""
        limit = evidence.value("gait.capture.doubtful_quality")
        reasons = self.reasons()
        text = f"quality {self.score:.2f} of 1 ({'below' if self.level == 'low' else 'at or above'} {limit}: {self.level})"
        if reasons:
            text += " — " + ", ".join(reasons)
        return text + (f"; findings are uncertain: {REFILM}" if self.level == "low" else "")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> QualityScore | None:
        names = {f.name for f in fields(cls)}
        if not isinstance(data, Mapping) or not names <= set(data):
            return None
        return cls(**{k: data[k] for k in names})


def clip_quality(*, missing_after: float, swapped_frames: np.ndarray, step_times_s: np.ndarray, n_steps: int,
                 n_contacts: int, fps: float, view: str, hip_gap_share: float | None = None,
                 runner_px: float | None = None) -> QualityScore:
    """The one quality score of a clip from what cleaning and event detection found (see QualityScore)."""
    t = np.asarray(step_times_s, float)
    t = t[np.isfinite(t)]
    regularity = float(np.clip(1 - 3 * np.std(t) / np.mean(t), 0, 1)) if t.size > 1 else 0.0
    steps_factor = min(n_steps / evidence.value("gait.capture.stable_steps"), 1.0)
    kept = n_steps / n_contacts if n_contacts else 0.0
    swapped = np.asarray(swapped_frames, bool)
    swaps_fixed = int(np.sum(np.diff(swapped.astype(int), prepend=0) == 1)) if swapped.size else 0
    swaps_factor = 1.0 - min(float(swapped.mean()) if swapped.size else 0.0, 0.5)
    view_factor = 1.0
    if view == "side" and hip_gap_share is not None and np.isfinite(hip_gap_share):
        view_factor = float(np.clip(OBLIQUE_HIP_GAP / max(hip_gap_share, 1e-9), 0.5, 1.0))
    frame_rate_factor = 0.5 + 0.5 * min(fps / evidence.value("gait.capture.contact_fps"), 1.0)
    resolution_factor = min(runner_px / MIN_RUNNER_PX, 1.0) if runner_px else 1.0
    visibility = 1.0 - missing_after
    score = float(np.clip(visibility * regularity * steps_factor * kept * frame_rate_factor * swaps_factor
                          * view_factor * resolution_factor, 0, 1))
    return QualityScore(score, visibility, regularity, n_steps, steps_factor, kept, swaps_fixed, swaps_factor,
                        view, view_factor, float(fps), frame_rate_factor, runner_px, resolution_factor)
