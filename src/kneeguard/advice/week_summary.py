"""Each plan week in one line: its running days and distance, its strength days and its strength and mobility minutes.
A plan week is 7 days from the plan's first day (the weeks the running rules, the exercise budget and every view
count), so the CLI's weeks ahead, the report's weekly table and the budget read one computation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kneeguard.advice.session import Session


@dataclass(frozen=True)
class WeekSummary:
    number: int  # 1 for the plan's first week
    start: dt.date
    runs: int  # running sessions (a walk/run session has minutes, no km, and counts)
    run_days: tuple[dt.date, ...]
    km: float
    longest_km: float
    strength_days: tuple[dt.date, ...]
    exercise_min: int  # strength and mobility minutes (what the weekly budget counts)
    sessions_without_km: tuple[tuple[dt.date, str], ...] = ()  # its walk/run sessions (minutes, no km): day, title

    @property
    def by_minutes(self) -> str:
        """'Tue, Thu: Continuous easy 20 min; Sat: Continuous easy 30 min', or the one title when every such
        session is the same ('' without them): what a week without km holds (read 43: 'walk/run, by minutes' hid
        the continuous runs of weeks 3-6; read 47: two titles for three runs did not say which day had which)."""
        days: dict[str, list[str]] = {}
        for day, title in self.sessions_without_km:
            days.setdefault(title, []).append(f"{day:%a}")
        if len(days) <= 1:
            return "".join(days)
        return "; ".join(f"{', '.join(weekdays)}: {title}" for title, weekdays in days.items())

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def days_without_run(self) -> int:
        return 7 - len(self.run_days)


def week_summaries(days: list[Session], start: dt.date, weeks: int) -> list[WeekSummary]:
    """One `WeekSummary` for each of the plan's first `weeks` weeks (sessions outside them are left out)."""
    out = []
    for index in range(weeks):
        first = start + dt.timedelta(days=7 * index)
        inside = [s for s in days if first <= s.date < first + dt.timedelta(days=7)]
        running = [s for s in inside if s.distance_km or (s.is_running and s.duration_min)]
        km = [float(s.distance_km) for s in running if s.distance_km]
        out.append(WeekSummary(
            index + 1, first, len(running), tuple(sorted({s.date for s in running})), sum(km), max(km, default=0.0),
            tuple(sorted({s.date for s in inside if s.kind == "strength"})),
            sum(int(s.duration_min or 0) for s in inside if s.kind in ("strength", "mobility")),
            tuple((s.date, s.title) for s in sorted(running, key=lambda s: s.date) if not s.distance_km)))
    return out


__all__ = ["WeekSummary", "week_summaries"]
