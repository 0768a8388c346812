"""Before/after comparison of two gait summaries: the one definition `kneeguard gait compare`
and the web app's comparison page both use.

A summary is the dict `outputs.build_summary` writes (summary.json, or a stored gait
session); older or hand-made summaries may nest metrics under "summary" or per side,
which `metric` looks through.
"""
from __future__ import annotations

from typing import Any

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


def metric(summary: dict, key: str, side: str | None = None) -> Any:
    """A metric from the summary, whether at top level, under "summary", or per side."""
    pools = [summary, summary.get("summary") or {}]
    if side is None:
        for pool in pools:
            if isinstance(pool, dict) and key in pool and not isinstance(pool[key], dict):
                return pool[key]
        return None
    for pool in pools:
        if not isinstance(pool, dict):
            continue
        for container in ("per_side", "sides", "by_side"):
            sides = pool.get(container)
            if isinstance(sides, dict) and isinstance(sides.get(side), dict) and key in sides[side]:
                return sides[side][key]
        if isinstance(pool.get(side), dict) and key in pool[side]:
            return pool[side][key]
        if isinstance(pool.get(key), dict) and side in pool[key]:
            return pool[key][side]
        for name in (f"{key}_{side}", f"{side}_{key}"):
            if name in pool:
                return pool[name]
    return None


def compare_summaries(before: dict, after: dict) -> list[dict]:
    """One row per metric present in either: key, label, before, after, change, change_pct."""
    rows = []
    for key, label, unit in (("n_steps", "steps analysed", ""), *METRICS):
        a, b = metric(before, key), metric(after, key)
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
    """Whether `data` looks like a kneeguard gait summary (what compare can read)."""
    return isinstance(data, dict) and (metric(data, "cadence_spm") is not None or "n_steps" in data)


def cadence_change_note(rows: list[dict]) -> str | None:
    """The cadence change in words, beside the usual retraining aim, when both sessions have one."""
    cad = next((r for r in rows if r["key"] == "cadence_spm"), None)
    if not cad or cad.get("change_pct") is None:
        return None
    return f"cadence change {cad['change_pct']:+.1f} % (retraining usually aims for +5 to +10 %)"
