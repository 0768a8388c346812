"""Before/after comparison of two gait summaries: the one definition `kneeguard gait compare`
and the web app's comparison page both use.

A summary is a `GaitSummary` (from summary.json or a stored gait session through
`GaitSummary.from_dict`, which also reads the older stored shapes).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kneeguard.gait.summary import GaitSummary

# Headline metrics in display order: key, label, unit.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("cadence_spm", "cadence", "steps/min"),
    ("contact_time_ms", "ground contact time", "ms"),
    ("duty_factor", "duty factor", ""),
    ("knee_flexion_ic_deg", "knee flexion at landing", "deg"),
    ("peak_knee_flexion_deg", "peak stance knee flexion", "deg"),
    ("shank_angle_ic_deg", "shank angle at landing", "deg"),
    ("overstride_cm", "overstride (ankle ahead of hip)", "cm"),
    ("overstride_pct_leg", "overstride", "% leg"),
    ("foot_strike", "foot strike", ""),
    ("trunk_lean_deg", "trunk lean", "deg"),
    ("vertical_oscillation_cm", "vertical oscillation", "cm"),
)


def compare_summaries(before: GaitSummary, after: GaitSummary) -> list[dict]:
    """One row per metric present in either: key, label, before, after, change, change_pct."""
    rows = []
    for key, label, unit in (("n_steps", "steps analysed", ""), *METRICS):
        a, b = before.value(key), after.value(key)
        if a is None and b is None:
            continue
        row = {"key": key, "label": label + (f" ({unit})" if unit else ""), "before": a, "after": b,
               "change": None, "change_pct": None}
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            row["change"] = b - a
            row["change_pct"] = (b - a) / abs(a) * 100 if a else None
        rows.append(row)
    return rows


def is_gait_summary(data: Any) -> bool:
    """Whether a JSON document is a kneeguard gait summary (what compare can read)."""
    if not isinstance(data, Mapping):
        return False
    summary = GaitSummary.from_dict(data)
    return summary.cadence_spm is not None or "n_steps" in data or "n_steps" in (data.get("summary") or {})


def cadence_change_note(rows: list[dict]) -> str | None:
    """The cadence change in words, beside the usual retraining aim, when both sessions have one."""
    cad = next((r for r in rows if r["key"] == "cadence_spm"), None)
    if not cad or cad.get("change_pct") is None:
        return None
    return f"cadence change {cad['change_pct']:+.1f} % (retraining usually aims for +5 to +10 %)"
