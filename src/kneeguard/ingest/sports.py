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


# The sports a person can choose when correcting an activity (a GPX file carries none): the ones the
# analyses and the pages tell apart. Running is what the load analysis counts (load/activities.py).
CHOOSABLE_SPORTS = ("running", "walking", "hiking", "cycling", "swimming", "rowing", "cross_country_skiing",
                    "strength_training", "other")
# Families whose speed people read as pace (min/km); the others read speed (km/h).
PACE_FAMILIES = frozenset({"running", "walking"})


def shows_pace(sport: str | None) -> bool:
    """Whether an activity of `sport` is shown with pace (min/km) rather than speed (km/h)."""
    return sport_family(sport) in PACE_FAMILIES
