"""Sport families: the same activity seen through different exports or devices.

One owner for the grouping used by de-duplication (a hike and a walk are the
same outing) and by the plausibility limits (speed limits per family).
"""
from __future__ import annotations

UNKNOWN_SPORTS = frozenset({"", "generic", "unknown", "other", "all", "none"})
FAMILY_OF = {
    "hiking": "walking", "mountaineering": "walking",
    "e_biking": "cycling", "mountain_biking": "cycling", "road_biking": "cycling",
    "trail_running": "running", "treadmill_running": "running",
}


def sport_family(sport: str | None) -> str:
    """The family of a normalised sport name ('' for none)."""
    sport = (sport or "").strip().lower()
    return FAMILY_OF.get(sport, sport)

