"""Every Finding code kneeguard can emit, read from the code registry (`kneeguard.codes`).

Each domain declares its codes in `kneeguard/<domain>/codes.py` (the clinic's triage and
cause codes from its rule files); nothing here parses source.
"""
from __future__ import annotations

from kneeguard.codes import SIDES, base_code, catalogue

__all__ = ["SIDES", "base_code", "emittable_codes"]


def emittable_codes() -> dict[str, str]:
    """code -> the module that declares it, sorted by code (per-side codes with their side)."""
    return {code: f"kneeguard/{declared.domain}/codes.py" for code, declared in catalogue().items()}
