"""The Finding codes of the gait domain (see `kneeguard.codes`).

The metric bands (`kneeguard.gait.metrics`) and the asymmetry check emit these values;
`finding_codes()` is what the code registry collects.
"""
from __future__ import annotations

from kneeguard.codes import FindingCode, declare

(LOW_CADENCE, CADENCE, OVERSTRIDE, SHANK_ANGLE, EXTENDED_KNEE_LANDING, TRUNK_LEAN, LARGE_PELVIC_DROP, KNEE_VALGUS,
 ASYMMETRY, CONTACT_TIME) = declare(
    "gait", "low_cadence", "cadence", "overstride", "shank_angle", "extended_knee_landing", "trunk_lean",
    "large_pelvic_drop", "knee_valgus", "asymmetry", "contact_time")


def finding_codes() -> tuple[FindingCode, ...]:
    return (LOW_CADENCE, CADENCE, OVERSTRIDE, SHANK_ANGLE, EXTENDED_KNEE_LANDING, TRUNK_LEAN, LARGE_PELVIC_DROP,
            KNEE_VALGUS, ASYMMETRY, CONTACT_TIME)
