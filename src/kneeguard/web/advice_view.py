"""The advice for the current athlete, computed once per request by the same calls as `kneeguard plan`."""
from __future__ import annotations

import datetime as dt

from fastapi import Request

from kneeguard.web.common import athlete_name, store_of

BANNER_CLASS = {"emergency": "emergency", "urgent": "urgent", "routine": "routine", "self-care": "selfcare",
                "no-checkin": "nocheckin"}


def advice_for(request: Request, day: dt.date, weeks: int = 6):
    from kneeguard.advice.context import gather_context
    from kneeguard.advice.engine import advise

    if not 4 <= weeks <= 8:
        raise ValueError(f"the plan length must be between 4 and 8 weeks, got {weeks}")
    context = gather_context(store_of(request), athlete_name(request), day)
    return advise(context, weeks=weeks)


def upcoming(advice, day: dt.date, count: int = 5) -> list:
    """The next sessions from `day` on, rest days left out."""
    return [s for s in advice.days if s.date >= day and s.kind != "rest"][:count]
