"""Gait Findings come from the band on each metric: one generic judge, the wording and citations unchanged."""
from __future__ import annotations

import pytest

from kneeguard import evidence
from kneeguard.findings import Severity
from kneeguard.gait.findings import band_finding, gait_findings
from kneeguard.gait.metrics import REGISTRY

BANDED = sorted(name for name, m in REGISTRY.items() if m.band is not None)
CONTEXT = {"fps": 240.0, "speed_m_s": 3.0}


def _outside_and_inside(name: str) -> tuple[list[float], float]:
    band = REGISTRY[name].band
    limit = evidence.value(band.rule)
    if band.direction == "above":
        return [limit + 1], limit - 1
    if band.direction == "below":
        return [limit - 1], limit + 1
    low, high = limit
    return [low - 1, high + 1], (low + high) / 2


def test_every_finding_metric_has_a_band():
    assert BANDED == sorted(["cadence_spm", "contact_time_ms", "knee_fppa_deg", "knee_flexion_ic_deg",
                             "overstride_pct_leg", "pelvic_drop_deg", "shank_angle_ic_deg", "trunk_lean_deg"])


@pytest.mark.parametrize("name", BANDED)
def test_banded_metric_flags_out_of_band_and_not_inside(name):
    band = REGISTRY[name].band
    outside, inside = _outside_and_inside(name)
    out_codes = {band.out.code.code} | ({band.out_low.code.code} if band.out_low else set())
    for value in outside:
        found = band_finding(REGISTRY[name], {**CONTEXT, name: value})
        assert found is not None and found.code in out_codes
        assert found.measured == value and found.domain == "gait" and found.citations
        assert "{" not in found.title + found.explanation  # every template field was filled
    within = band_finding(REGISTRY[name], {**CONTEXT, name: inside})
    assert within is None or (band.within is not None and within.code == band.within.code.code)
    assert band_finding(REGISTRY[name], dict(CONTEXT)) is None  # not measured: no finding, no guess


def test_overstride_wording_escalation_and_citations():
    f = band_finding(REGISTRY["overstride_pct_leg"], {**CONTEXT, "overstride_pct_leg": 16.4, "overstride_cm": 14.6})
    # the wording escalates; the severity stays low: the overstride band is not injury-based (registry), and
    # every view reads this one value (a runner saw MODERATE on the gait page and LOW among the factors)
    assert (f.code, f.severity, f.threshold, f.unit) == ("gait.overstride", Severity.LOW, 8, "% leg length")
    assert f.title == "Your foot lands well ahead of your hip"
    assert f.explanation.startswith("At contact your heel is 16 % of your leg length (15 cm) ahead of your hip "
                                    "(flag above 8 %).")
    assert f.explanation.endswith("Uncertainty ±5 % of leg length (2D pose).")
    assert f.rule.key == "gait.overstride.warn_pct_leg"
    cadence_keys = {c.key for c in evidence.rule("gait.cadence.increase_pct").citations}
    assert cadence_keys <= {c.key for c in f.citations}
    assert band_finding(REGISTRY["overstride_pct_leg"], {**CONTEXT, "overstride_pct_leg": 9.0}).severity == Severity.LOW


def test_extended_knee_is_worse_with_overstriding():
    # 4° is clearly below the 10° flag (more than the ±5° 2D error away), so the flag is certain
    alone = band_finding(REGISTRY["knee_flexion_ic_deg"], {**CONTEXT, "knee_flexion_ic_deg": 4.0})
    both = band_finding(REGISTRY["knee_flexion_ic_deg"],
                        {**CONTEXT, "knee_flexion_ic_deg": 4.0, "overstride_pct_leg": 9.0})
    assert alone.severity == Severity.LOW and "straight-leg reach" not in alone.explanation
    assert both.severity == Severity.MODERATE and not both.uncertain
    assert both.explanation == ("Knee flexion at contact is 4° (typical about 10-20°; flag below 10°). Together with "
                                "overstriding this is the 'straight-leg reach' landing that strains the back of the "
                                "knee. Uncertainty ±5 deg (2D pose).")


def test_a_value_within_the_measurement_error_of_its_flag_is_borderline_and_shown_unrounded():
    # The physiotherapist's review: 9.7° was shown as "10° (flag below 10°)" and rated moderate.
    f = band_finding(REGISTRY["knee_flexion_ic_deg"],
                     {**CONTEXT, "knee_flexion_ic_deg": 9.6584, "overstride_pct_leg": 17.5})
    assert f.explanation.startswith("Knee flexion at contact is 9.7° (typical about 10-20°; flag below 10°).")
    assert f.uncertain and f.uncertain.startswith("borderline: 9.7° vs the 10° flag, within the ±5 deg 2D-video error")
    assert f.severity is not Severity.MODERATE  # not escalated: it cannot be told apart from the threshold
    assert "straight-leg reach" not in f.explanation


def test_shown_value_never_crosses_a_limit_in_print():
    from kneeguard.gait.findings import shown_value

    assert shown_value(9.6584, [10]) == "9.7" and shown_value(9.96, [10]) == "9.96"
    assert shown_value(16.4, [8]) == "16" and shown_value(4.6, [5, 12]) == "4.6" and shown_value(12.4, [5, 12]) == "12.4"


def test_two_sided_band_words_each_side():
    upright = band_finding(REGISTRY["trunk_lean_deg"], {**CONTEXT, "trunk_lean_deg": 2.0})
    leaning = band_finding(REGISTRY["trunk_lean_deg"], {**CONTEXT, "trunk_lean_deg": 15.0})
    assert (upright.title, upright.threshold) == ("Very upright trunk", 5)
    assert (leaning.title, leaning.threshold) == ("More forward trunk lean than usual", 12)


def test_cadence_reported_inside_the_band_and_flagged_below():
    ok = band_finding(REGISTRY["cadence_spm"], {**CONTEXT, "cadence_spm": 170.0})
    low = band_finding(REGISTRY["cadence_spm"], {**CONTEXT, "cadence_spm": 150.0})
    assert (ok.code, ok.severity, ok.title) == ("gait.cadence", Severity.INFO, "Cadence 170 steps/min at 3.0 m/s")
    assert ok.rule.key == "gait.cadence.increase_pct" and ok.threshold == 155
    assert "to about 178-187 steps/min" in ok.explanation
    assert (low.code, low.rule.key) == ("gait.low_cadence", "gait.cadence.low")
    assert low.explanation.startswith("Cadence 150 steps/min at 3.0 m/s, below the usual 155+ of recreational")


def test_contact_time_needs_a_frame_rate_that_can_time_it():
    summary = {"contact_time_ms": 400.0, "speed_m_s": None}
    assert band_finding(REGISTRY["contact_time_ms"], {**summary, "fps": 30.0}) is None
    f = band_finding(REGISTRY["contact_time_ms"], {**summary, "fps": 120.0})
    assert f.explanation == ("Contact time 400 ms (usual 180-320 ms). At 120 fps one frame is 8 ms, so check the "
                             "frame rate before reading much into this.")


def test_asymmetry_flagged_per_metric_with_view_confidence():
    summary = {**CONTEXT, "asymmetry_pct": {"contact_time_ms": 14.0, "step_time_s": 30.0, "pelvic_drop_deg": 3.0}}
    side = [f for f in gait_findings(summary, "side") if f.code == "gait.asymmetry"]
    rear = [f for f in gait_findings(summary, "rear") if f.code == "gait.asymmetry"]
    assert [f.details for f in side] == [{"metric": "contact_time_ms", "confidence": "low"}]
    assert rear[0].details["confidence"] == "moderate" and "far leg" not in rear[0].explanation
