"""Shoe findings: over/near the user's alert, retired shoes, single pair."""
import datetime as dt

import pytest

from kneeguard import evidence
from kneeguard.findings import Severity
from kneeguard.load import analyze_load
from kneeguard.load.activities import activities_frame
from kneeguard.profile import AthleteProfile, ShoeStatus

AS_OF = dt.date(2024, 6, 30)
PROFILE = AthleteProfile(name="test", sex="male", hr_max=190, hr_rest=50)


def runs_in(*shoe_ids):
    return activities_frame([
        {"start": (AS_OF - dt.timedelta(days=2 * i + 1)).isoformat() + " 07:00", "distance_m": 8000,
         "timer_s": 2880, "shoe_id": shoe}
        for i, shoe in enumerate(shoe_ids)
    ])


def shoe(id_, km, alert=700.0, **kw):
    return ShoeStatus(id=id_, name=f"Pair {id_}", distance_km=km, alert_km=alert, **kw)


def findings(activities, shoes):
    return [f for f in analyze_load(activities, PROFILE, AS_OF, shoes).findings if f.code.startswith("load.sho")
            or f.code == "load.single_shoe"]


def test_over_near_and_below_the_alert():
    found = findings(runs_in(1, 2, 3, 1, 2, 3), [shoe(1, 720), shoe(2, 630), shoe(3, 629.9)])
    by_code = {f.code: f for f in found}
    assert set(by_code) == {"load.shoe_over_limit", "load.shoe_near_limit"}
    over, near = by_code["load.shoe_over_limit"], by_code["load.shoe_near_limit"]
    # low, not moderate: the alert comes from bench tests of cushioning, not from injury studies (a
    # physiotherapist's read: a worn shoe outranked the load spike that preceded the pain)
    assert over.severity is Severity.LOW and over.threshold == 700 and over.measured == 720
    assert over.rule.key == "load.shoe.alert_km" and "Pair 1" in over.explanation
    assert near.severity is Severity.INFO and near.threshold == pytest.approx(630)
    assert {c.key for c in near.citations} >= {"cook1985", "malisoux2015"}


def test_user_alert_is_respected_and_default_fills_gaps():
    found = findings(runs_in(1, 2), [shoe(1, 450, alert=400), shoe(2, 650, alert=0)])
    assert [f.code for f in found] == ["load.shoe_over_limit", "load.shoe_near_limit"]
    assert found[1].details["alert_km"] == evidence.value("load.shoe.alert_km")


def test_retired_shoes_are_ignored():
    assert findings(runs_in(1, 2), [shoe(1, 2000, retired=True), shoe(2, 10)]) == []


def test_single_pair_in_the_lookback_is_information():
    found = findings(runs_in(1, 1, 1), [shoe(1, 100), shoe(2, 50)])
    assert [f.code for f in found] == ["load.single_shoe"]
    single = found[0]
    assert single.severity is Severity.INFO and single.rule.key == "load.shoe.rotation"
    assert "0.61" in single.explanation and single.citations[0].key == "malisoux2015"


def test_single_pair_falls_back_to_last_used_dates():
    shoes = [shoe(1, 100, last_used=AS_OF - dt.timedelta(days=2)),
             shoe(2, 100, last_used=AS_OF - dt.timedelta(days=200))]
    found = findings(runs_in(None, None), shoes)
    assert [f.code for f in found] == ["load.single_shoe"]


def test_two_pairs_in_rotation_raise_nothing():
    assert findings(runs_in(1, 2, 1, 2), [shoe(1, 100), shoe(2, 100)]) == []
