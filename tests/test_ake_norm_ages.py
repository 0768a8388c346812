"""The active-knee-extension cut-off comes from adults aged 18-24 (Yildirim 2018): a physiotherapist (read 50)
found a 38-year-old's 'hamstring shortness' ranked among her top factors on it. Outside the norm's ages the result
is shown as uncertain, not ranked or acted on; within them it is judged as before."""
from __future__ import annotations

import pytest

from kneeguard import evidence
from kneeguard.clinic.findings import selftest_findings


def _ake(age: int):
    return [f for f in selftest_findings({"age": age, "sex": "female", "ake_left_deg": 30, "ake_right_deg": 10})
            if f.code.startswith("clinic.ake_short")]


@pytest.mark.parametrize("age, judged", [(17, False), (18, True), (24, True), (25, False), (38, False)])
def test_the_cut_off_is_judged_only_within_the_ages_it_was_derived_in(age, judged):
    assert evidence.value("clinic.selftest.ake_norm_ages") == [18, 24]
    [found] = _ake(age)  # only the left side is beyond 23.4 degrees
    assert bool(found.uncertain) is not judged
    if judged:
        assert found.title == "Active knee extension (left): hamstring shortness"
    else:
        assert found.title == "Active knee extension (left): beyond the young-adult cut-off"
        assert found.uncertain == (f"the cut-off comes from adults aged 18-24 and you are {age}: shown, not "
                                   "judged")
        assert "hamstring shortness" not in found.explanation.replace("read it as hamstring shortness", "")


def test_both_sides_beyond_it_are_named_once_in_the_uncertain_list():
    from kneeguard.findings import uncertain_groups

    both = selftest_findings({"age": 38, "sex": "female", "ake_left_deg": 30, "ake_right_deg": 29})
    groups = uncertain_groups([f for f in both if f.code.startswith("clinic.ake_short")])
    assert list(groups.values()) == [["Active knee extension (left and right): beyond the young-adult cut-off"]]
