"""One row of the clinician/coach overview per athlete, built from the objects the dashboard shows.

Every value comes from its one owner: the triage level, check-in date and review date from the
advice's banner (`advice_for`, the dashboard's cached advice), the pain of a check-in from
`CheckinRecord.pain` (the number the check-in trends follow), the pain trend judged by the pain
rule's minimal important change (`pain_rule.risen`), the load flags from the advice's ranked
factors whose source is the load analysis, adherence from the plan as it stood `ADHERENCE_DAYS`
ago (the sessions that fell due since) against the ticks in `store.plan_log`, and the next
follow-up from the plan's "see a professional" session or the check-in's review date.

A row is kept per athlete, day and data fingerprint (`advice_view.data_fingerprint`), so an
overview of many athletes recomputes only those whose data changed.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from kneeguard import pain_rule
from kneeguard.clinic.levels import TriageLevel
from kneeguard.findings import Severity

ADHERENCE_DAYS = 14  # the window a clinician reviews between visits (a fortnight)
TREND_CHECKINS = 3  # the pain trend reads the latest three check-ins
ROW_CACHE_SIZE = 512  # rows are small; a clinic's athletes on a few days fit

_rows: OrderedDict[tuple, OverviewRow] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class PainTrend:
    """The pain of the latest check-ins (oldest first) and its direction: "up", "down", "flat" or None."""

    pains: tuple[float, ...] = ()

    @property
    def direction(self) -> str | None:
        if len(self.pains) < 2:
            return None
        first, last = self.pains[0], self.pains[-1]
        if pain_rule.risen(first, last):
            return "up"
        if pain_rule.risen(last, first):
            return "down"
        return "flat"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "flat": "→"}.get(self.direction or "", "")

    @property
    def words(self) -> str:
        return {"up": "worse", "down": "better", "flat": "about the same"}.get(self.direction or "", "")

    @property
    def rank(self) -> int:
        """For sorting: worsening first when sorted descending."""
        return {"up": 2, "flat": 1, "down": 0}.get(self.direction or "", -1)


@dataclass(frozen=True)
class OverviewRow:
    athlete: str
    level: TriageLevel | None  # None: no check-in yet
    checkin_date: dt.date | None
    checkin_stale: bool
    checkin_pain: float | None
    trend: PainTrend
    load_flags: int
    load_worst: Severity | None
    planned: int  # tickable sessions that fell due in the adherence window
    done: int  # of those, ticked off
    follow_up: dt.date | None
    follow_up_text: str

    @property
    def adherence(self) -> float | None:
        return self.done / self.planned if self.planned else None


def overview_row(request, name: str, day: dt.date) -> OverviewRow:
    """The row for `name` (an athlete this account may see) as of `day`, cached while its data stand still."""
    from kneeguard.web.advice_view import data_fingerprint
    from kneeguard.web.common import store_of

    store = store_of(request)
    key = (id(store), name, day, data_fingerprint(store, name))
    with _lock:
        hit = _rows.get(key)
        if hit is not None:
            _rows.move_to_end(key)
            return hit
    row = _build_row(request, name, day)
    with _lock:
        _rows[key] = row
        while len(_rows) > ROW_CACHE_SIZE:
            _rows.popitem(last=False)
    return row


def _build_row(request, name: str, day: dt.date) -> OverviewRow:
    from kneeguard.advice.checkins import load_checkins
    from kneeguard.web.advice_view import advice_for
    from kneeguard.web.common import store_of

    store = store_of(request)
    advice = advice_for(request, day, athlete=name)
    banner = advice.banner
    records = [r for r in load_checkins(name, store=store) if r.on_date <= day]
    latest = records[-1] if records else None
    pains = tuple(r.pain for r in records if r.pain is not None)[-TREND_CHECKINS:]
    load = [f for f in advice.factors if f.source == "load"]
    worst = max((f.severity for f in load), key=lambda s: s.rank, default=None)
    unused = {m.part for m in advice.missing} >= {"activities", "checkin"}  # nothing recorded: no plan followed
    planned, done = (0, 0) if unused else _adherence(request, store, name, day)
    follow_up, follow_text = _follow_up(advice)
    return OverviewRow(name, banner.level, banner.checkin_date, banner.stale,
                       latest.pain if latest is not None and latest.on_date == banner.checkin_date else None,
                       PainTrend(pains), len(load), worst, planned, done, follow_up, follow_text)


def _adherence(request, store, name: str, day: dt.date) -> tuple[int, int]:
    """Sessions due in the last `ADHERENCE_DAYS` days up to `day` (from the plan as it stood at the window's
    start, as the plan page's "days just past" do) and how many of them were ticked off."""
    from kneeguard.advice.ticks import TICKABLE_KINDS
    from kneeguard.store import athletes, plan_log
    from kneeguard.web.advice_view import advice_for

    start = day - dt.timedelta(days=ADHERENCE_DAYS)
    with store.session() as session:
        since = athletes.in_use_since(session, name)  # no plan before it, so nothing then was missed
        ticks = set(plan_log.completions(session, name, start + dt.timedelta(days=1), day))
    earlier = advice_for(request, start, athlete=name)
    # due: the days gone by since the athlete began, and today's sessions once ticked (today is not over: an
    # athlete added today showed 'Plan done 0/13 (0 %)', a coach)
    due = {(s.date, s.kind) for s in earlier.days if max(start, since - dt.timedelta(days=1)) < s.date <= day
           and s.kind in TICKABLE_KINDS and (s.date < day or (s.date, s.kind) in ticks)}
    return len(due), len(due & ticks)


def _follow_up(advice) -> tuple[dt.date | None, str]:
    """The plan's visit to a professional if it has one, else a held plan's re-check, else the check-in's review
    date."""
    visit = next((s for s in advice.days if s.kind == "see_professional"), None)
    if visit is not None:
        return visit.date, visit.title
    if advice.banner.level is None:
        return None, "check in first"
    if advice.recheck is not None:  # a plan held at week 1: its re-check comes before any later review date
        return advice.recheck, "re-check (new check-in)"
    if advice.banner.review_date is not None:
        return advice.banner.review_date, "check in again"
    return None, ""


SORTS = {
    # query value: (column heading, key, descending by default: the most pressing first)
    "athlete": ("Athlete", lambda r: r.athlete.lower(), False),
    "triage": ("Triage", lambda r: (r.level.rank if r.level else -1, r.trend.rank,
                                    -1 if r.checkin_pain is None else r.checkin_pain), True),
    "checkin": ("Last check-in", lambda r: r.checkin_date or dt.date.min, True),
    "pain": ("Pain", lambda r: -1 if r.checkin_pain is None else r.checkin_pain, True),
    "trend": ("Pain trend", lambda r: r.trend.rank, True),
    "load": ("Load flags", lambda r: (r.load_worst.rank if r.load_worst else -1, r.load_flags), True),
    "adherence": ("Plan done", lambda r: -1 if r.adherence is None else r.adherence, False),
    "followup": ("Next follow-up", lambda r: r.follow_up or dt.date.max, False),
}
DEFAULT_SORT = "triage"


def sorted_rows(rows: list[OverviewRow], sort: str, descending: bool | None = None) -> list[OverviewRow]:
    """Rows by the column `sort` (ties by name); `descending` None: the column's own default."""
    _label, key, default_desc = SORTS[sort]
    desc = default_desc if descending is None else descending
    by_name = sorted(rows, key=lambda r: r.athlete.lower())
    return sorted(by_name, key=key, reverse=desc)
