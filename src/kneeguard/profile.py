"""Plain descriptions of an athlete and their shoes, shared by store and analyses."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AthleteProfile:
    name: str
    sex: str | None = None  # "male" | "female" | None
    birth_year: int | None = None
    height_cm: float | None = None
    mass_kg: float | None = None
    hr_max: float | None = None
    hr_rest: float | None = None


@dataclass(frozen=True)
class ShoeStatus:
    """A shoe with the distance it has carried up to the analysis date."""

    id: int
    name: str
    distance_km: float  # starting km + assigned runs
    alert_km: float
    retired: bool = False
    first_used: dt.date | None = None
    last_used: dt.date | None = None
    runs: int = 0
