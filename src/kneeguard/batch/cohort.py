"""Spike–injury cohort (research use): each athlete's runs joined with their check-ins as at-risk intervals.

One athlete at a time, as a pure function over that athlete's frames (`athlete_intervals`), so the
work maps over athletes in process or on Dask workers alike (`cohort_intervals`). The statistics over
all athletes are `cohort_stats.py`; the method is documented in docs/cohort.md.

Design (Frandsen et al. 2025, time-varying states; details and limits in docs/cohort.md):
- Exposure: each running session's single-run spike band (`load.spike`, the one owner: distance
  against the longest run of the previous `load.spike.window_days`). A run's band is the athlete's
  state from its start until the next run, at most `research.cohort.state_max_days`; a run without a
  distance ends the previous state and opens none.
- Outcome: a new problem (`research.cohort.injury`): an OSTRC check-in with a substantial problem
  (`clinic.ostrc.substantial`) after one without. It is dated to the start of the check-in's day, or
  to the injury day a sudden injury names (`injury_days_ago`), never before the previous check-in.
- Follow-up starts once both the spike window has a full history (first run + window) and a
  problem-free OSTRC check-in has been seen; it ends at the last OSTRC check-in (later injuries
  would go unseen). With `events="first"` it ends at the first new problem; with `"all"` the athlete
  is out of the risk set from a new problem until the next problem-free check-in.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.clinic.history import CheckinRecord
from kneeguard.clinic.ostrc import score_ostrc
from kneeguard.load.activities import prepare_activities
from kneeguard.load.spike import NS_PER_DAY, spike_table, window_days

# The spike bands compared, reference first (load/spike.py's names); a run's band, None = no distance.
STATES = ("reference", "small", "moderate", "large", "return_after_break")
EVENT_MODES = ("first", "all")
INTERVAL_COLUMNS = ("athlete", "run_id", "band", "entry", "exit", "event")
_LAST_DAY = dt.date(9999, 12, 30)  # prepare_activities keeps every activity up to this day


@dataclass(frozen=True)
class CohortParameters:
    """The windows of the analysis: all from the registry (see the module docstring)."""

    state_max_days: float
    run_in_days: float
    events: str = "first"

    @classmethod
    def from_registry(cls, events: str = "first") -> "CohortParameters":
        if events not in EVENT_MODES:
            raise ValueError(f"events must be one of {EVENT_MODES}, got {events!r}")
        return cls(float(evidence.value("research.cohort.state_max_days")), float(window_days()), events)


@dataclass(frozen=True)
class OstrcWeek:
    """One OSTRC check-in: its day and whether it reports a substantial problem."""

    on_date: dt.date
    substantial: bool
    injury_days_ago: float | None = None


@dataclass
class AthleteCohort:
    """One athlete's contribution: at-risk intervals (`INTERVAL_COLUMNS`) and what was left out."""

    athlete: str
    intervals: pd.DataFrame
    new_problems: int = 0  # new problems inside follow-up
    outside_states: int = 0  # of those, in time that belongs to no band (a long break, a run without distance)
    excluded: str = ""  # why the athlete contributes nothing, if so
    notes: list[str] = field(default_factory=list)


def ostrc_weeks(records: Iterable[CheckinRecord]) -> list[OstrcWeek]:
    """The check-ins that carry all four OSTRC answers, oldest first (others say nothing about the outcome)."""
    weeks = []
    for record in sorted(records, key=lambda r: r.on_date):
        score = score_ostrc(record.answers)
        if score is None:
            continue
        days_ago = record.answers.get("injury_days_ago")
        weeks.append(OstrcWeek(record.on_date, score.substantial,
                               float(days_ago) if isinstance(days_ago, (int, float)) else None))
    return weeks


def _day_ns(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * NS_PER_DAY


def problem_episodes(weeks: Sequence[OstrcWeek]) -> tuple[int | None, list[tuple[int, int | None]]]:
    """(first problem-free day in ns, [(new-problem onset ns, recovered ns or None)]).

    A substantial problem at the first OSTRC check-in (or before any problem-free one) is not new:
    the athlete was already injured when observation began.
    """
    first_clear: int | None = None
    episodes: list[tuple[int, int | None]] = []
    previous: OstrcWeek | None = None
    for week in weeks:
        day = _day_ns(week.on_date)
        if not week.substantial and first_clear is None:
            first_clear = day
        if week.substantial and previous is not None and not previous.substantial and first_clear is not None:
            onset = day
            if week.injury_days_ago is not None:  # a sudden injury names its day; never before the last report
                onset = max(day - int(week.injury_days_ago) * NS_PER_DAY, _day_ns(previous.on_date) + 1)
            episodes.append((onset, None))
        elif not week.substantial and episodes and episodes[-1][1] is None:
            episodes[-1] = (episodes[-1][0], day)
        previous = week
    return first_clear, episodes


def athlete_intervals(athlete: str, activities: pd.DataFrame, checkins: Sequence[CheckinRecord],
                      params: CohortParameters) -> AthleteCohort:
    """One athlete's at-risk intervals: one row per (part of a) run's state inside follow-up.

    Times are days since this athlete's follow-up start (the model's time scale); `event` is 1 on the
    interval a new problem ends.
    """
    weeks = ostrc_weeks(checkins)
    if not weeks:
        return AthleteCohort(athlete, _empty(), excluded="no OSTRC check-in")
    prepared = prepare_activities(activities, _LAST_DAY)
    runs = prepared[prepared["is_run"].to_numpy()]
    if runs.empty:
        return AthleteCohort(athlete, _empty(), excluded="no runs")
    bands = spike_table(runs)["spike_band"].to_numpy(dtype=object)
    start_ns = runs["start_ns"].to_numpy(dtype=np.int64)
    first_clear, all_episodes = problem_episodes(weeks)
    if first_clear is None:
        return AthleteCohort(athlete, _empty(), excluded="no problem-free OSTRC check-in")
    begin = max(int(start_ns[0] + params.run_in_days * NS_PER_DAY), first_clear)
    end = _day_ns(weeks[-1].on_date)
    episodes = [(onset, recovered) for onset, recovered in all_episodes if begin < onset <= end]
    if params.events == "first":
        episodes = episodes[:1]
        if episodes:
            end = episodes[0][0]
    if end <= begin:
        return AthleteCohort(athlete, _empty(), excluded="follow-up shorter than the run-in")

    cap = int(params.state_max_days * NS_PER_DAY)
    next_start = np.append(start_ns[1:], np.iinfo(np.int64).max)
    state_end = np.minimum(next_start, start_ns + cap)
    # not at risk while injured: from each onset until the next problem-free check-in (or the end),
    # also for a problem that began before follow-up and lasts into it
    gaps = [(onset, recovered if recovered is not None else end) for onset, recovered in all_episodes
            if onset <= end]
    outside = sum(1 for onset, _ in episodes if not _in_a_state(onset, start_ns, state_end, bands))
    banded = np.flatnonzero(pd.notna(bands))
    lo = np.maximum(start_ns[banded], begin)
    hi = np.minimum(state_end[banded], end)
    keep = hi > lo
    run_ids = runs["id"].to_numpy(dtype=np.int64)[banded][keep]
    lo, hi, band = lo[keep], hi[keep], bands[banded][keep]
    pieces = [_split(a, b, gaps) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)] if gaps else None
    if pieces is None:  # no new problem: every state is one interval
        event = np.zeros(len(lo), dtype=np.int8)
    else:
        counts = np.array([len(p) for p in pieces], dtype=np.int64)
        flat = [piece for p in pieces for piece in p]
        run_ids, band = np.repeat(run_ids, counts), np.repeat(band, counts)
        lo = np.array([p[0] for p in flat], dtype=np.int64)
        hi = np.array([p[1] for p in flat], dtype=np.int64)
        event = np.array([p[2] for p in flat], dtype=np.int8)
    frame = pd.DataFrame({"athlete": np.full(len(lo), athlete, dtype=object), "run_id": run_ids, "band": band,
                          "entry": (lo - begin) / NS_PER_DAY, "exit": (hi - begin) / NS_PER_DAY, "event": event})
    return AthleteCohort(athlete, frame, new_problems=len(episodes), outside_states=outside)


def _in_a_state(onset: int, start_ns: np.ndarray, state_end: np.ndarray, bands: np.ndarray) -> bool:
    """Whether the onset falls in the state of the last run before it (a banded run, within its cap)."""
    i = int(np.searchsorted(start_ns, onset, side="left")) - 1
    return i >= 0 and state_end[i] >= onset and bands[i] is not None


def _split(lo: int, hi: int, gaps: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """[lo, hi) without the injured gaps; a piece that reaches a gap's onset ends in an event."""
    pieces, cursor = [], lo
    for onset, recovered in gaps:
        if recovered <= cursor or onset >= hi:
            if onset == hi and cursor < hi:  # the state ends exactly at the onset
                pieces.append((cursor, hi, 1))
                cursor = hi
            continue
        if onset > cursor:
            pieces.append((cursor, onset, 1))
        cursor = max(cursor, recovered)
    if cursor < hi:
        pieces.append((cursor, hi, 0))
    return pieces


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"athlete": pd.Series(dtype=object), "run_id": pd.Series(dtype=np.int64),
                         "band": pd.Series(dtype=object), "entry": pd.Series(dtype=float),
                         "exit": pd.Series(dtype=float), "event": pd.Series(dtype=np.int8)})


# ------------------------------------------------------------------ reading the store, per athlete
def read_athletes(db_url: str | None, home: str | None, names: Sequence[str],
                  params: CohortParameters) -> list[AthleteCohort]:
    """Read and join a chunk of athletes from the store: the task a Dask worker (or this process) runs."""
    from kneeguard.advice.checkins import parse_records
    from kneeguard.store import open_store, records
    from kneeguard.store.athletes import get
    from kneeguard.store.queries import activities_frame

    out = []
    with open_store(url=db_url, home=home) as store, store.session() as session:
        for name in names:
            athlete = get(session, name)
            frame = activities_frame(session, athlete.id)
            checkins = parse_records([row["record"] for row in records.list_checkins(session, athlete.id)])
            out.append(athlete_intervals(name, frame, checkins, params))
    return out


Mapper = Callable[[Callable, list], list]


def in_process(function: Callable, chunks: list) -> list:
    """The mapper without Dask: one chunk after the other."""
    return [function(chunk) for chunk in chunks]


def cohort_intervals(db_url: str | None, home: str | None, names: Sequence[str], params: CohortParameters,
                     mapper: Mapper = in_process, chunk_size: int = 50) -> list[AthleteCohort]:
    """Every athlete's contribution, chunk by chunk through `mapper` (in process, or a Dask client's map)."""
    from functools import partial

    from kneeguard.batch.imports import absolute_db_url, absolute_path

    chunks = [list(names[i:i + chunk_size]) for i in range(0, len(names), chunk_size)]
    # absolute: the workers' working folder is not this process's (a --scheduler cluster started elsewhere)
    db_url = None if db_url is None else absolute_db_url(db_url)
    home = None if home is None else str(absolute_path(home))
    task = partial(read_athletes, db_url, home, params=params)
    return [athlete for chunk in mapper(task, chunks) for athlete in chunk]


def dask_mapper(client) -> Mapper:
    """A mapper that runs each chunk as a Dask task on `client`'s cluster and gathers the results in order."""
    def mapper(function: Callable, chunks: list) -> list:
        return client.gather(client.map(function, chunks, pure=False))
    return mapper


def combine(athletes: Sequence[AthleteCohort]) -> pd.DataFrame:
    """All athletes' intervals in one frame."""
    frames = [a.intervals for a in athletes if not a.intervals.empty]
    return pd.concat(frames, ignore_index=True) if frames else _empty()
