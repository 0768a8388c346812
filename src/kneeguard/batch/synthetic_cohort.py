"""A seeded synthetic cohort with a planted spike–injury hazard, written into a real store.

Not data about anyone. Each athlete runs 3–6 times a week (an easy-run / long-run pattern with the
odd spike of each band), answers a weekly OSTRC check-in, and gets injured from a planted hazard:
while in a run's spike band (until the next run, at most `research.cohort.state_max_days`) the daily
hazard is `baseline_per_day × hazard_ratios[band]`; after that, the baseline. The bands come from
`load.spike` (the one owner), so the generator and the analysis agree on what a band is.

Generator assumptions (they are what the analysis must recover, see docs/cohort.md):
- an injured runner stops running at onset and rests `recovery_days` (uniform), then restarts;
- the next weekly check-in after the onset reports a substantial problem (OSTRC), each check-in
  during recovery too, and the first one after it none.
Activities go in through the store's import service (`import_sources` with a decoder that returns
the athlete's history as one file of sessions), check-ins through `store.records.save_checkin`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.clinic.history import CheckinRecord
from kneeguard.ingest.model import ParsedActivity, ParsedFile
from kneeguard.load.spike import NS_PER_DAY, spike_columns

PLANTED = {"reference": 1.0, "small": 1.3, "moderate": 1.6, "large": 2.5, "return_after_break": 1.0}
NULL = dict.fromkeys(PLANTED, 1.0)
CLEAR = {"has_pain": False, "ostrc_q1": "full_no_problem", "ostrc_q2": "none", "ostrc_q3": "none",
         "ostrc_q4": "none"}
SUBSTANTIAL = {"has_pain": True, "onset": "gradual", "ostrc_q1": "reduced", "ostrc_q2": "moderate",
               "ostrc_q3": "moderate", "ostrc_q4": "moderate"}
# How often a run is a deliberate spike over the longest run of the previous 30 days, and by how much:
# chosen so that every band has runs enough to estimate (about 8 % small, 5 % moderate, 3 % large).
SPIKES = (("small", 0.08, 1.12, 1.28), ("moderate", 0.05, 1.35, 1.9), ("large", 0.03, 2.1, 2.8))


@dataclass(frozen=True)
class CohortSpec:
    athletes: int = 300
    days: int = 365
    start: dt.date = dt.date(2024, 1, 1)
    seed: int = 17
    hazard_ratios: dict[str, float] = field(default_factory=lambda: dict(PLANTED))
    baseline_per_day: float = 0.004
    recovery_days: tuple[int, int] = (21, 56)


@dataclass
class SyntheticAthlete:
    name: str
    runs: pd.DataFrame  # start (UTC), distance_m
    checkins: list[CheckinRecord]
    onsets: list[pd.Timestamp]


def _schedule(rng: np.random.Generator, spec: CohortSpec) -> tuple[np.ndarray, np.ndarray]:
    """Start times (ns) and distances (m) of a healthy year: 3–6 runs a week, one long run, the odd spike."""
    per_week = int(rng.integers(3, 7))
    long_km = float(rng.uniform(10, 22))
    first_ns = pd.Timestamp(spec.start, tz="UTC").value
    starts, kinds = [], []
    for week in range(spec.days // 7 + 1):
        days = np.sort(rng.choice(7, per_week, replace=False))
        for k, day in enumerate(days):
            offset = (week * 7 + int(day)) * NS_PER_DAY + int(rng.integers(6 * 3600, 19 * 3600)) * 10**9
            if offset < spec.days * NS_PER_DAY:
                starts.append(first_ns + offset)
                kinds.append("long" if k == len(days) - 1 else "easy")
    start = np.asarray(starts, dtype=np.int64)
    distance = np.empty(len(start))
    window_start = np.searchsorted(start, start - 30 * NS_PER_DAY, side="right")
    for i, kind in enumerate(kinds):  # sequential: a spike is sized against the actual 30-day longest run
        longest = distance[window_start[i]:i].max() if window_start[i] < i else long_km * 1000
        draw = rng.random()
        for _band, share, low, high in SPIKES:
            if draw < share:
                distance[i] = longest * rng.uniform(low, high)
                break
            draw -= share
        else:
            distance[i] = long_km * 1000 * (rng.uniform(0.85, 1.05) if kind == "long" else rng.uniform(0.4, 0.75))
    return start, distance


def simulate_athlete(index: int, spec: CohortSpec) -> SyntheticAthlete:
    """One athlete's runs, injuries and weekly check-ins (seeded by the cohort seed and the index)."""
    rng = np.random.default_rng([spec.seed, index])
    start, distance = _schedule(rng, spec)
    cap = float(evidence.value("research.cohort.state_max_days")) * NS_PER_DAY
    end_ns = pd.Timestamp(spec.start, tz="UTC").value + spec.days * NS_PER_DAY
    onsets, recoveries, cursor = [], [], None
    while True:
        bands = spike_columns(start, distance)["spike_band"]
        onset = _first_onset(rng, spec, start, bands, cap, end_ns, cursor)
        if onset is None:
            break
        recovered = onset + int(rng.integers(*spec.recovery_days)) * NS_PER_DAY
        onsets.append(onset)
        recoveries.append(recovered)
        keep = (start < onset) | (start >= recovered)  # rests from onset until recovered
        start, distance, cursor = start[keep], distance[keep], recovered
    checkins = _checkins(rng, spec, onsets, recoveries)
    runs = pd.DataFrame({"start": pd.to_datetime(start, utc=True), "distance_m": distance})
    return SyntheticAthlete(f"cohort-{spec.seed}-{index:05d}", runs, checkins,
                            [pd.Timestamp(o, tz="UTC") for o in onsets])


def _first_onset(rng, spec: CohortSpec, start: np.ndarray, bands: np.ndarray, cap: float, end_ns: int,
                 after: int | None) -> int | None:
    """The first injury onset after `after` (ns) under the planted piecewise-constant hazard, or None."""
    hr = spec.hazard_ratios
    # pieces: each run's state [start, min(next, start + cap)), then the baseline until the next run;
    # the hazard is constant on each piece, so (memoryless) one exponential wait per piece decides
    next_start = np.append(start[1:], end_ns).astype(float)
    state_end = np.minimum(next_start, start + cap)
    ratio = np.array([hr.get(band, 1.0) if band else 1.0 for band in bands])
    lo = np.concatenate([start, state_end]).astype(float)
    hi = np.concatenate([state_end, next_start])
    rate = np.concatenate([ratio, np.ones(len(start))]) * spec.baseline_per_day / NS_PER_DAY
    order = np.argsort(lo, kind="stable")
    lo, hi, rate = lo[order], hi[order], rate[order]
    if after is not None:
        lo = np.maximum(lo, after)
    open_ = hi > lo
    lo, hi, rate = lo[open_], hi[open_], rate[open_]
    onset = lo + rng.exponential(1.0 / rate)
    hit = np.flatnonzero((onset < hi) & (onset < end_ns))
    return int(onset[hit[0]]) if len(hit) else None


def _checkins(rng, spec: CohortSpec, onsets: list[int], recoveries: list[int]) -> list[CheckinRecord]:
    """A weekly OSTRC check-in on the athlete's day: substantial from the first one after an onset
    until the athlete has recovered, otherwise clear."""
    first = spec.start + dt.timedelta(days=int(rng.integers(0, 7)))
    out = []
    for week in range(spec.days // 7 + 1):
        day = first + dt.timedelta(days=7 * week)
        if day >= spec.start + dt.timedelta(days=spec.days):
            break
        day_ns = pd.Timestamp(day, tz="UTC").value
        injured = any(onset < day_ns < recovered for onset, recovered in zip(onsets, recoveries))
        out.append(CheckinRecord(day, dict(SUBSTANTIAL if injured else CLEAR)))
    return out


class _CohortFile:
    """A store Source for one athlete's synthetic history (its bytes name the athlete and the seed)."""

    def __init__(self, athlete: SyntheticAthlete) -> None:
        self.name = f"synthetic-cohort/{athlete.name}"
        self.metadata: dict = {}
        self._athlete = athlete

    def read(self) -> bytes:
        return self.name.encode()

    def parsed(self) -> ParsedFile:
        runs = self._athlete.runs
        activities = [
            ParsedActivity(sport="running", start=start.to_pydatetime(), distance_m=float(metres),
                           timer_s=float(metres) * 0.33, session_index=k, name="synthetic")
            for k, (start, metres) in enumerate(zip(runs["start"], runs["distance_m"], strict=True))]
        return ParsedFile(self.name, self.parsed_hash(), "synthetic", activities)

    def parsed_hash(self) -> str:
        return hashlib.sha256(self.read()).hexdigest()


def write_cohort(store, spec: CohortSpec, *, through_importer: bool = False) -> list[SyntheticAthlete]:
    """Simulate the cohort and write it into `store`; an athlete already there is left as it is.

    By default each athlete's runs are inserted in one transaction with the store's models (as the
    store's own tests fill histories), because the import service de-duplicates every run against its
    neighbours (about 9 ms a run on the loaded 2-core machine: 75,000 runs would take minutes) and a
    synthetic cohort has nothing to de-duplicate. `through_importer=True` sends each athlete's history
    through `import_sources` instead, one file of sessions per athlete (the same rows, slower).
    """
    from kneeguard.store import athletes as athlete_store
    from kneeguard.store import records

    simulated = [simulate_athlete(i, spec) for i in range(spec.athletes)]
    for athlete in simulated:
        with store.session() as session:
            if athlete_store.find(session, athlete.name) is not None:
                continue
        if through_importer:
            _import(store, athlete)
        with store.write() as session:
            if not through_importer:
                _insert_runs(session, athlete)
                _insert_checkins(session, athlete)
                continue
            for record in athlete.checkins:  # the public one-at-a-time path
                records.save_checkin(session, athlete.name, record.to_dict(), _recorded_at(record))
    return simulated


def _recorded_at(record: CheckinRecord) -> dt.datetime:
    return dt.datetime.combine(record.on_date, dt.time(20), tzinfo=dt.timezone.utc)


def _insert_checkins(session, athlete: SyntheticAthlete) -> None:
    """The check-ins in one statement: the rows `records.save_checkin` writes (its plain JSON record)."""
    from sqlalchemy import insert

    from kneeguard.store import athletes as athlete_store
    from kneeguard.store.models import Checkin

    owner = athlete_store.get(session, athlete.name)
    rows = [dict(athlete_id=owner.id, recorded_at=_recorded_at(r), record=r.to_dict()) for r in athlete.checkins]
    if rows:
        session.execute(insert(Checkin), rows)


def _import(store, athlete: SyntheticAthlete) -> None:
    from kneeguard.store import import_sources

    source = _CohortFile(athlete)
    import_sources(store, [source], athlete.name, decoder=lambda _name, _data: source.parsed())


def _insert_runs(session, athlete: SyntheticAthlete) -> None:
    from sqlalchemy import insert

    from kneeguard.store import athletes as athlete_store
    from kneeguard.store.models import Activity

    owner = athlete_store.get_or_create(session, athlete.name)
    source = _CohortFile(athlete)
    content_hash = source.parsed_hash()
    rows = [dict(athlete_id=owner.id, sport="running", sub_sport="", start_utc=start.to_pydatetime(),
                 distance_m=float(metres), timer_s=float(metres) * 0.33, name="synthetic", source_name=source.name,
                 content_hash=content_hash, session_index=k, warnings="[]")
            for k, (start, metres) in enumerate(zip(athlete.runs["start"], athlete.runs["distance_m"], strict=True))]
    if rows:
        session.execute(insert(Activity), rows)
