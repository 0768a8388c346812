"""The Finding codes of the load domain (see `kneeguard.codes`)."""
from __future__ import annotations

from kneeguard.codes import FindingCode, declare

SPIKE, RETURN_AFTER_BREAK, WEEKLY_JUMP, NO_REST, MONOTONY_HIGH, ACWR_CONTEXT, LONG_RUN_SHARE, NO_DATA = declare(
    "load", "spike", "return_after_break", "weekly_jump", "no_rest", "monotony_high", "acwr_context",
    "long_run_share", "no_data")
SHOE_OVER_LIMIT, SHOE_NEAR_LIMIT, SINGLE_SHOE = declare("load", "shoe_over_limit", "shoe_near_limit", "single_shoe")


def finding_codes() -> tuple[FindingCode, ...]:
    return (SPIKE, RETURN_AFTER_BREAK, WEEKLY_JUMP, NO_REST, MONOTONY_HIGH, ACWR_CONTEXT, LONG_RUN_SHARE, NO_DATA,
            SHOE_OVER_LIMIT, SHOE_NEAR_LIMIT, SINGLE_SHOE)
