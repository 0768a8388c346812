"""A day a person types (an analysis date, a session's day, a date range): one parser and one range for the CLI
and the web app.

A valid ISO date can still be one no analysis can use: 0001-01-01 or 9999-12-31 overflowed the date arithmetic
(a runner's browser date picker reached them and the page crashed). The range is the one the import
accepts for activity times (`ingest.plausible.start_year`: from the FIT epoch's year) up to
`analysis.days_ahead` days after today (a coach previews a plan ahead; a year is kneeguard's design choice).
"""
from __future__ import annotations

import datetime as dt

from kneeguard import evidence
from kneeguard.errors import InvalidInput


def day_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day an analysis or a typed date may name."""
    first_year = int(evidence.value("ingest.plausible.start_year")[0])
    ahead = int(evidence.value("analysis.days_ahead"))
    return dt.date(first_year, 1, 1), (today or dt.date.today()) + dt.timedelta(days=ahead)


def parse_day(text: str, name: str = "date") -> dt.date:
    """`text` as a day within `day_range`; InvalidInput naming `name` and what is wrong otherwise."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        shaped = len(text) == 10 and text[4] == "-" and text[7] == "-" and text.replace("-", "").isdigit()
        # 2026-02-30 has the shape: the day itself does not exist
        raise InvalidInput(f"{name}: {text!r} is not a day in the calendar" if shaped else
                           f"{name} must be YYYY-MM-DD, got {text!r}") from None
    first, last = day_range()
    if not first <= day <= last:
        raise InvalidInput(f"{name} must be between {first.isoformat()} and {last.isoformat()}, got {text!r}")
    return day
