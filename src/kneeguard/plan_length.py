"""How long a plan may be: the one owner of the 4-8 weeks that the advice engine, CLI and web check.

The bounds are the registry's `advice.plan.weeks` (a design choice users see in help texts
and errors); `DEFAULT_PLAN_WEEKS` is what every entry point plans when not told otherwise. A
module of its own, outside `advice`, so the CLI and web can check a length without importing the engine.
"""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.errors import InvalidInput

DEFAULT_PLAN_WEEKS = 6


def plan_weeks_bounds() -> tuple[int, int]:
    """(shortest, longest) plan in weeks."""
    shortest, longest = evidence.value("advice.plan.weeks")
    return int(shortest), int(longest)


def check_plan_weeks(weeks: int) -> int:
    """`weeks` when it is a plan length kneeguard makes; InvalidInput (a user error) otherwise."""
    shortest, longest = plan_weeks_bounds()
    if not shortest <= weeks <= longest:
        raise InvalidInput(f"the plan length must be between {shortest} and {longest} weeks, got {weeks}")
    return weeks
