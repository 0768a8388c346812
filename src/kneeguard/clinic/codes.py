"""The Finding codes of the clinic domain (see `kneeguard.codes`).

Self-test and history findings are declared here; triage reasons and possible causes
are rules as data (`rules/triage.json`, `rules/causes.json`), so their codes
(`clinic.triage.<id>`, `clinic.cause.<id>`, the keys of their evidence rules) are
declared from those files.
"""
from __future__ import annotations

from kneeguard.codes import FindingCode, declare

DOMAIN = "clinic"
HEEL_RISE_BELOW_MEDIAN, BRIDGE_POOR, KNEE_TO_WALL_SOFT, AKE_SHORT = declare(
    DOMAIN, "heel_rise_below_median", "bridge_poor", "knee_to_wall_soft", "ake_short", per_side=True)
HEEL_RISE_ASYMMETRY, PREVIOUS_INJURY, NOVICE_RUNNER = declare(
    DOMAIN, "heel_rise_asymmetry", "previous_injury", "novice_runner")
OSTRC_SUBSTANTIAL, WORSE_OVER_TWO_WEEKS, MORNING_PAIN_ABOVE_BASELINE = declare(
    DOMAIN, "ostrc_substantial", "worse_over_two_weeks", "morning_pain_above_baseline")
# self-tests with no sourced norm: recorded as uncertain findings, never judged (registry `*_no_norm`)
PLANK_NO_NORM, LEG_LENGTH_NO_NORM = declare(DOMAIN, "plank_no_norm", "leg_length_no_norm")
UNANSWERED_RED_FLAG = FindingCode("clinic.triage.unanswered_red_flag", DOMAIN)  # added by triage(), not in triage.json


def triage_codes() -> tuple[FindingCode, ...]:
    from kneeguard.clinic.triage import triage_rules

    return (*declare(DOMAIN, *(f"triage.{rule.id}" for rule in triage_rules())), UNANSWERED_RED_FLAG)


def cause_codes() -> tuple[FindingCode, ...]:
    from kneeguard.clinic.causes import cause_definitions

    return declare(DOMAIN, *(f"cause.{cause['id']}" for cause in cause_definitions()))


def finding_codes() -> tuple[FindingCode, ...]:
    return (HEEL_RISE_BELOW_MEDIAN, BRIDGE_POOR, KNEE_TO_WALL_SOFT, AKE_SHORT, HEEL_RISE_ASYMMETRY, PREVIOUS_INJURY,
            NOVICE_RUNNER, OSTRC_SUBSTANTIAL, WORSE_OVER_TWO_WEEKS, MORNING_PAIN_ABOVE_BASELINE, PLANK_NO_NORM,
            LEG_LENGTH_NO_NORM, *triage_codes(), *cause_codes())
