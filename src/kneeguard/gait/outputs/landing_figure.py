"""A picture of the runner at initial contact: the pose the landing metrics describe.

Drawn from the keypoints (no video needed) at the step whose knee flexion at
contact is closest to the median, with the knee angle, the shank line and the
horizontal gap between ankle and hip marked. The knee angle written on it is the
clip's median (`knee_flexion_ic_deg` of the summary, the value the report and web
show), never one frame's own angle, so the figure and the report cannot disagree.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from kneeguard.gait.keypoints import KeypointSeries  # noqa: E402

CHAIN = ("shoulder", "hip", "knee", "ankle", "heel", "toe")


def representative_contact(report) -> tuple[str, float] | None:
    """(side, frame) of the contact whose knee flexion at IC is nearest the median."""
    steps = getattr(report, "steps", None)
    needed = {"knee_flexion_ic_deg", "ic_time_s", "side"}
    if steps is None or getattr(steps, "empty", True) or not needed <= set(steps.columns):
        return None
    if getattr(report, "series", None) is None:
        return None
    valid = steps.dropna(subset=["knee_flexion_ic_deg", "ic_time_s"])
    if valid.empty:
        return None
    median = valid["knee_flexion_ic_deg"].median()
    row = valid.iloc[int(np.argmin(np.abs(valid["knee_flexion_ic_deg"].to_numpy() - median)))]
    return str(row["side"]), float(row["ic_time_s"]) * report.series.fps


def knee_label(report) -> str | None:
    """The figure's knee-angle text: the clip median the report shows, at the report's precision."""
    value = (getattr(report, "summary", None) or {}).get("knee_flexion_ic_deg")
    if value is None or not np.isfinite(value):
        return None
    return f"knee flexion at landing {value:.1f}°\n(median of all steps)"


def plot_landing(series: KeypointSeries, report, path: str | Path) -> Path | None:
    """Write the figure; None when no contact with a knee angle was found."""
    chosen = representative_contact(report)
    if chosen is None:
        return None
    side, frame = chosen
    i = int(np.clip(round(frame), 0, series.n_frames - 1))
    pts = {f"{s}_{p}": series.point(f"{s}_{p}")[i] for s in ("left", "right") for p in CHAIN}
    fig, ax = plt.subplots(figsize=(4.2, 5.2), dpi=130)
    try:
        for s, style in ((side, dict(color="black", lw=3)), ("right" if side == "left" else "left",
                                                              dict(color="0.6", lw=2, ls="--"))):
            xy = np.array([pts[f"{s}_{p}"] for p in CHAIN])
            ok = np.isfinite(xy).all(axis=1)
            ax.plot(xy[ok, 0], xy[ok, 1], marker="o", ms=4, **style,
                    label="landing leg" if s == side else "other leg")
        hip, knee, ankle = (pts[f"{side}_{p}"] for p in ("hip", "knee", "ankle"))
        if np.isfinite([hip, knee, ankle]).all():
            label = knee_label(report)
            if label:
                ax.annotate(label, knee, xytext=(12, 0), textcoords="offset points", fontsize=9, va="center")
            all_y = np.array([p[1] for p in pts.values() if np.isfinite(p).all()])
            below = all_y.max() + 0.05 * (all_y.max() - all_y.min())  # under the feet, clear of the drawing
            ax.plot([hip[0], hip[0]], [hip[1], below], color="0.4", lw=1, ls=":")
            ax.plot([ankle[0], ankle[0]], [ankle[1], below], color="0.4", lw=1, ls=":")
            ax.annotate("", xy=(ankle[0], below), xytext=(hip[0], below),
                        arrowprops=dict(arrowstyle="<->", color="0.3"))
            ax.text((ankle[0] + hip[0]) / 2, below + 0.04 * (all_y.max() - all_y.min()),
                    "ankle ahead of hip" if abs(ankle[0] - hip[0]) > 1 else "ankle under hip",
                    ha="center", va="top", fontsize=8)
        ax.set_title(f"At landing ({side} foot), frame {i}", fontsize=10)
        ax.set_aspect("equal")
        ax.invert_yaxis()  # image coordinates: y grows downwards
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(loc="upper right", fontsize=8, frameon=False)
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path
