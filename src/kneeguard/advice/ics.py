"""Calendar export: one all-day event per plan session (RFC 5545 through the icalendar library).

UIDs are derived from athlete, date, kind and title, so re-importing a
regenerated plan updates the same events instead of duplicating them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from icalendar import Calendar, Event

PRODID = "-//kneeguard//personal plan//EN"


def session_uid(athlete: str, session) -> str:
    key = f"{athlete}|{session.date.isoformat()}|{session.kind}|{session.title}"
    return f"{hashlib.sha1(key.encode('utf-8')).hexdigest()[:20]}@kneeguard"


def build_calendar(advice) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"kneeguard plan — {advice.athlete}")
    # A fixed stamp (the analysis day) keeps the file identical for identical input.
    stamp = dt.datetime.combine(advice.as_of, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for s in advice.days:
        ev = Event()
        ev.add("uid", session_uid(advice.athlete, s))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.date)
        ev.add("dtend", s.date + dt.timedelta(days=1))
        ev.add("summary", s.title)
        ev.add("categories", [s.kind])
        ev.add("transp", "TRANSPARENT")
        ev.add("description", _description(s, advice))
        cal.add_component(ev)
    return cal


def write_ics(advice, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(build_calendar(advice).to_ical())
    return path


def _description(s, advice) -> str:
    # the details say why in words; the session's rule codes stay in the JSON (a coach read 'Why: load.spike,
    # advice.run.break_days' in a calendar)
    lines = [s.details]
    if s.target_cadence_spm:  # next to the details' step-rate cue; the details do not repeat the dose
        lines.append(s.metronome_sentence)
    if s.distance_km is not None:
        lines.append(f"Distance: {s.distance_km:.1f} km")
    if s.duration_min is not None:
        lines.append(f"About {s.duration_min:.0f} min")
    if s.rpe_max is not None:
        lines.append(f"Effort: RPE {s.rpe_max}/10 or less")
    if s.pain_rule:
        lines.append(s.pain_rule)
    if s.citations:
        lines.append("Sources: " + "; ".join(c.text for c in s.citations))
    lines.append(f"Triage: {advice.banner.level_name}. {advice.disclaimer}")
    return "\n".join(lines)
