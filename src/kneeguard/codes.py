"""The registry of Finding codes: every code an analysis can emit, declared by its domain.

Each domain declares its codes in its own `codes` module (`kneeguard.load.codes`,
`kneeguard.clinic.codes`, `kneeguard.gait.codes`) as `FindingCode` values and lists them
in `finding_codes()`; analyses build Findings from those values (`kneeguard.findings.make_finding`),
so a code that is not declared cannot be emitted. `catalogue()` collects the declarations in
one place for the readers of codes (explain, advice, web), with no source parsing.

A per-side code (`clinic.bridge_poor`) is emitted with the side appended
(`clinic.bridge_poor.left`); `base_code` takes it off again.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

SIDES = ("left", "right")
# The modules that declare codes, one per domain; each has `finding_codes() -> tuple[FindingCode, ...]`.
DECLARING_MODULES = ("kneeguard.load.codes", "kneeguard.clinic.codes", "kneeguard.gait.codes")


class UnknownCode(KeyError):
    """A code no domain declares."""


@dataclass(frozen=True)
class FindingCode:
    """One declared code: `code` (dotted, starting with its domain), `domain`, whether it is per side,
    and optionally a default title for listings."""

    code: str
    domain: str
    per_side: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        if not self.code.startswith(self.domain + "."):
            raise ValueError(f"code {self.code!r} does not start with its domain {self.domain!r}")

    def for_side(self, side: str | None) -> str:
        """The emitted code: with the side for a per-side code, the code itself otherwise."""
        if self.per_side != (side is not None):
            raise ValueError(f"{self.code} is {'per side' if self.per_side else 'not per side'}, got side={side!r}")
        if side is not None and side not in SIDES:
            raise ValueError(f"unknown side {side!r} for {self.code}")
        return f"{self.code}.{side}" if side is not None else self.code

    def matches(self, code: str) -> bool:
        """Whether an emitted code string is this declaration (either side of a per-side code)."""
        return code in self.emitted()

    def emitted(self) -> tuple[str, ...]:
        """Every code string this declaration can emit."""
        return tuple(f"{self.code}.{s}" for s in SIDES) if self.per_side else (self.code,)


def declare(domain: str, *names: str, per_side: bool = False) -> tuple[FindingCode, ...]:
    """FindingCodes for `domain` from their names (`declare("load", "spike")` -> load.spike)."""
    return tuple(FindingCode(f"{domain}.{name}", domain, per_side) for name in names)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, FindingCode]:
    """Every emittable code string -> its declaration, sorted by code."""
    found: dict[str, FindingCode] = {}
    for module in DECLARING_MODULES:
        for declared in importlib.import_module(module).finding_codes():
            for code in declared.emitted():
                if code in found and found[code] != declared:
                    raise ValueError(f"finding code {code} is declared twice")
                found[code] = declared
    return dict(sorted(found.items()))


def declaration(code: str) -> FindingCode:
    """The declaration behind an emitted code (per-side codes included)."""
    try:
        return catalogue()[code]
    except KeyError:
        raise UnknownCode(code) from None


def any_of(code: str, declared: tuple[FindingCode, ...]) -> bool:
    """Whether an emitted code is one of `declared` (consumers compare declarations, never prefixes)."""
    return any(d.matches(code) for d in declared)


def base_code(code: str) -> str:
    """A per-side code without its side: clinic.bridge_poor.left -> clinic.bridge_poor."""
    head, _, tail = code.rpartition(".")
    return head if tail in SIDES and head else code
