"""Shoe findings: mileage against the runner's own alert, and rotating pairs.

No injury study validates a kilometre cut-off, so the limit is the user's
`alert_km` (registry default when unset); the evidence is only that cushioning
falls with use (Cook 1985) and that runners alternating pairs had fewer injuries
(Malisoux 2015, HR 0.61). Retired shoes are ignored.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.findings import Finding, Severity, make_finding
from kneeguard.load import codes
from kneeguard.load.findings import lookback_days
from kneeguard.numbers import shown_value
from kneeguard.profile import ShoeStatus


def shoe_alert_km(shoe: ShoeStatus) -> float:
    """The shoe's own alert distance, or the registry default when unset or invalid."""
    alert = shoe.alert_km
    if alert is not None and alert == alert and alert > 0:
        return float(alert)
    return float(evidence.value("load.shoe.alert_km"))


def mileage_findings(shoes: Iterable[ShoeStatus], as_of: dt.date) -> list[Finding]:
    """Over the alert (moderate) or at/above the near fraction of it (low), for shoes in use."""
    rule = evidence.rule("load.shoe.alert_km")
    near = float(evidence.value("load.shoe.near_fraction"))
    default_km = float(rule.value)
    out = []
    for shoe in shoes:
        if shoe.retired:
            continue
        alert = shoe_alert_km(shoe)
        used = float(shoe.distance_km or 0.0)
        wear = (
            "Lab tests show cushioning falls with use (about 60 % of the shock absorption is left after 500 miles, "
            "800 km), but no study has found a distance at which injuries rise, so the limit is yours to set "
            f"(default {default_km:.0f} km)."
        )
        if used > alert:  # measured unrounded: every view rounds it once, with shown_value
            out.append(make_finding(
                # LOW, not moderate: the limit comes from bench tests of cushioning, not from injury studies
                codes.SHOE_OVER_LIMIT, Severity.LOW, f"'{shoe.name}' is past its {alert:.0f} km alert",
                f"'{shoe.name}' has carried {shown_value(used, [alert])} km, past the {alert:.0f} km alert. {wear} "
                "Consider retiring it or moving it to easy runs while a newer pair takes over.",
                measured=used, threshold=alert, unit="km", rule=rule, on_date=as_of,
                details={"shoe_id": shoe.id, "fraction": round(used / alert, 3)},
            ))
        elif used >= near * alert:
            out.append(make_finding(
                codes.SHOE_NEAR_LIMIT, Severity.INFO, f"'{shoe.name}' is near its {alert:.0f} km alert",
                f"'{shoe.name}' has carried {used:.0f} km, {used / alert:.0%} of its {alert:.0f} km alert. {wear} "
                "A good time to start running in a second pair.",
                measured=round(used, 1), threshold=round(near * alert, 1), unit="km",
                rule=evidence.rule("load.shoe.near_fraction"), extra_citations=rule.citations, on_date=as_of,
                details={"shoe_id": shoe.id, "fraction": round(used / alert, 3), "alert_km": alert},
            ))
    return out


def shoes_used_recently(runs: pd.DataFrame, shoes: Iterable[ShoeStatus], as_of: dt.date) -> set[int]:
    """Ids of shoes worn in the lookback: from the runs' shoe_id, else from each shoe's last_used."""
    first = np.datetime64(as_of - dt.timedelta(days=lookback_days() - 1), "D")
    if not runs.empty and "shoe_id" in runs:
        recent = runs["date"].to_numpy(dtype="datetime64[D]") >= first
        worn = runs["shoe_id"].to_numpy(dtype=float, na_value=np.nan)[recent]
        ids = {int(i) for i in np.unique(worn[~np.isnan(worn)])}
        if ids:
            return ids
    first_day = as_of - dt.timedelta(days=lookback_days() - 1)
    return {s.id for s in shoes if s.last_used is not None and first_day <= s.last_used <= as_of}


def rotation_finding(runs: pd.DataFrame, shoes: Iterable[ShoeStatus], as_of: dt.date) -> Finding | None:
    """Information when every recent run was in the same (not retired) pair."""
    shoes = list(shoes)
    used = shoes_used_recently(runs, shoes, as_of)
    if len(used) != 1:
        return None
    (shoe_id,) = used
    by_id = {s.id: s for s in shoes}
    shoe = by_id.get(shoe_id)
    if shoe is None or shoe.retired:
        return None
    rule = evidence.rule("load.shoe.rotation")
    hazard, low, high = evidence.value("load.shoe.rotation_hr")
    weeks = lookback_days() // 7
    explanation = (
        f"All your runs with a recorded shoe in the last {weeks} weeks were in '{shoe.name}'. "
        f"Recreational runners who alternated more than one pair had fewer running injuries over 22 weeks "
        f"(hazard ratio {hazard:.2f}, 95 % CI {low:.2f}-{high:.2f}). That study observed runners rather than "
        f"assigning shoes, so this is a suggestion, not a rule: a second pair you like, used in turn, is a "
        f"simple change."
    )
    return make_finding(
        codes.SINGLE_SHOE, Severity.INFO, "Running in a single pair of shoes", explanation,
        measured=1, threshold=int(rule.value), unit="pairs", rule=rule, on_date=as_of,
        details={"shoe_id": shoe_id},
    )


def shoe_findings(shoes: Iterable[ShoeStatus], runs: pd.DataFrame, as_of: dt.date) -> list[Finding]:
    """All shoe findings for the shoes' state on `as_of`."""
    shoes = list(shoes)
    found = mileage_findings(shoes, as_of)
    rotation = rotation_finding(runs, shoes, as_of)
    return found + ([rotation] if rotation else [])
