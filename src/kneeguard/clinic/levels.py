"""The levels of care triage sorts a check-in into: one enum that every stage reads.

The values are what stored check-ins and every JSON output hold ("self-care",
"routine", "urgent", "emergency"). "No check-in yet" is not a level: it is
`None` wherever a level may be absent (the advice banner, the pain state).
"""
from __future__ import annotations

from enum import StrEnum

from kneeguard.findings import Ranked


class TriageLevel(Ranked, StrEnum):
    """Ordered from the lowest level of care to the highest."""

    SELF_CARE = "self-care"
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def registry_key(self) -> str:
        """The evidence-registry entry saying what this level means (e.g. `clinic.level.self_care`)."""
        return f"clinic.level.{self.name.lower()}"

    @property
    def stops_training(self) -> bool:
        """A professional must see the knee before any training (urgent and emergency)."""
        return self.rank >= TriageLevel.URGENT.rank

    @property
    def needs_professional(self) -> bool:
        """Routine and above: a professional should see the knee, soon or now."""
        return self.rank >= TriageLevel.ROUTINE.rank

    @property
    def css_class(self) -> str:
        """The class the web pages colour this level with ("selfcare", "routine", ...)."""
        return self.value.replace("-", "")

