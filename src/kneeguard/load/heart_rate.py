"""The heart-rate settings the load analysis runs with, and why (defaults produce warnings)."""
from __future__ import annotations

from dataclasses import dataclass, field

from kneeguard import evidence
from kneeguard.evidence import Rule
from kneeguard.profile import AthleteProfile


@dataclass(frozen=True)
class HeartRateSettings:
    """Resting and maximum heart rate plus the Banister constants for the athlete's sex."""

    hr_rest: float
    hr_max: float
    a: float
    b: float
    trimp_rule: Rule
    sex: str | None = None
    warnings: tuple[str, ...] = field(default=())


def banister_constants(sex: str | None) -> tuple[float, float, Rule]:
    """(a, b, rule) of Banister's TRIMP weighting for 'male', 'female' or unknown sex."""
    key = {"male": "load.trimp.male", "female": "load.trimp.female"}.get((sex or "").lower(), "load.trimp.unknown")
    found = evidence.rule(key)
    a, b = found.value
    return float(a), float(b), found


def resolve_heart_rate(profile: AthleteProfile | None) -> HeartRateSettings:
    """Settings from the profile, falling back to the registry defaults with a warning each."""
    default_rest, default_max = evidence.value("load.trimp.default_hr")
    hr_rest = getattr(profile, "hr_rest", None)
    hr_max = getattr(profile, "hr_max", None)
    sex = getattr(profile, "sex", None)
    warnings: list[str] = []
    if not _usable(hr_max):
        warnings.append(_default_note("heart-rate max", hr_max, default_max))
        hr_max = default_max
    if not _usable(hr_rest):
        warnings.append(_default_note("resting heart rate", hr_rest, default_rest))
        hr_rest = default_rest
    if hr_rest >= hr_max:
        warnings.append(
            f"resting heart rate {hr_rest:g} is not below maximum {hr_max:g}; "
            f"using {default_rest:g}/{default_max:g} bpm"
        )
        hr_rest, hr_max = default_rest, default_max
    a, b, trimp_rule = banister_constants(sex)
    if (sex or "").lower() not in ("male", "female"):
        warnings.append("sex not given; heart-rate load uses the average of the male and female TRIMP curves")
    return HeartRateSettings(float(hr_rest), float(hr_max), a, b, trimp_rule, sex, tuple(warnings))


def _default_note(what: str, given: float | None, default: float) -> str:
    if given is None or given != given:
        return f"no {what} given; using {default:g} bpm"
    return f"{what} {given:g} bpm is implausible; using {default:g} bpm"


def _usable(bpm: float | None) -> bool:
    return bpm is not None and bpm == bpm and 20 <= bpm <= 250
