"""Whether one clip's evidence is good enough to act on: the video-quality and step-count gates.

A clip below the registry's quality score (`gait.capture.doubtful_quality`) or with fewer
steps than a stable 2D mean needs (`gait.capture.stable_steps`) still shows its findings,
but each is marked uncertain with the reason and what to do: film again.
"""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.findings import Finding, mark_uncertain

REFILM = ("film again (20-30 s of easy running from the side, phone at hip height, the whole body in view, "
          "60 fps or more; then `kneeguard gait VIDEO`)")


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
