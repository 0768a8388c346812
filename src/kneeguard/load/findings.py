"""Turning load measurements into Findings a runner can read.

Only the single-session spike leads (the one distance measure that predicted
overuse injury in runners, Frandsen 2025); every other finding says it is
context. Every number that reaches the user comes from the evidence registry.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd

from kneeguard import evidence
from kneeguard.findings import Finding, Severity, make_finding
from kneeguard.load import codes
from kneeguard.load.spike import window_days
from kneeguard.load.volume import run_streaks

SPIKE_SEVERITY = {"small": Severity.LOW, "moderate": Severity.MODERATE, "large": Severity.HIGH}
_LEADS = "The single-run spike check leads this report; this is context."


def lookback_days() -> int:
    return int(evidence.value("load.spike.lookback_days"))


def _band_words(band: str) -> str:
    """'10-30 % longer than' etc., from the registry's band edges."""
    small, moderate, large = (float(evidence.value(f"load.spike.{b}")) * 100 for b in ("small", "moderate", "large"))
    return {
        "small": f"{small:.0f}-{moderate:.0f} % longer than",
        "moderate": f"{moderate:.0f}-{large:.0f} % longer than",
        "large": f"more than {large:.0f} % longer than",
    }[band]


def _hrr_text(band: str) -> str:
    ratio, low, high = evidence.value(f"load.spike.hrr.{band}")
    return f"{ratio:.2f} (95 % CI {low:.2f}-{high:.2f})"


def _in_lookback(dates: pd.Series | np.ndarray, as_of: dt.date, days: int) -> np.ndarray:
    first = np.datetime64(as_of - dt.timedelta(days=days - 1), "D")
    return np.asarray(dates, dtype="datetime64[D]") >= first


def _rows(frame: pd.DataFrame, mask: np.ndarray, columns: list[str]) -> list[SimpleNamespace]:
    """The masked rows as plain objects (cheaper than pandas row access for a handful of rows)."""
    picked = {name: frame[name].to_numpy()[mask] for name in columns}
    return [SimpleNamespace(**{name: values[i] for name, values in picked.items()}) for i in range(int(mask.sum()))]


RECORD_COLUMNS = ("record_days_before", "window_in_record")


def spike_findings(runs: pd.DataFrame, as_of: dt.date, record_start: dt.date | None = None) -> list[Finding]:
    """One finding per small/moderate/large spike and per return after a break in the lookback.

    `runs` is LoadReport.runs. The first run of the record is only called a
    return after a break when the record shows 30 run-free days before it
    (otherwise we simply cannot see what came before). For the same reason a
    spike on a run whose 30-day window reaches back before the record
    (`window_in_record` false) is uncertain: runs before the record may be
    missing, so its reference can only be too short and the spike too large.
    """
    if runs.empty:
        return []
    window = window_days()
    columns = ["id", "date", "distance_m", "ref_longest_m", "spike_ratio", "spike_band", "days_since_prev_run",
               "first_in_record"]
    frame = with_record_columns(runs)
    out: list[Finding] = []
    for row in _rows(frame, _in_lookback(frame["date"], as_of, lookback_days()), [*columns, *RECORD_COLUMNS]):
        day = pd.Timestamp(row.date).date()
        if row.spike_band in SPIKE_SEVERITY:
            finding = _spike_finding(row, day)
            out.append(finding if row.window_in_record else replace(finding, uncertain=_short_record_words(row, window)))
        elif row.spike_band == "return_after_break":
            known_gap = not row.first_in_record or (record_start is not None and (day - record_start).days >= window)
            if known_gap:
                out.append(_return_finding(row, day, window))
    return out


def with_record_columns(runs: pd.DataFrame) -> pd.DataFrame:
    """`runs` with the spike window's record columns; a frame stored before they existed reads as a full
    window for every run (as it was judged then)."""
    if all(name in runs.columns for name in RECORD_COLUMNS):
        return runs
    return runs.assign(record_days_before=np.inf, window_in_record=True)


def _short_record_words(row, window: int) -> str:
    days = max(int(row.record_days_before), 0)  # whole days: 29.6 days of record is "29 days", never "30"
    when = f"{days} day{'s' if days != 1 else ''} before this run" if days else "on the day of this run"
    return (f"your imported record starts {when}, less than the {window} days the rule compares with: earlier "
            f"runs may be missing, so the run may not be a spike at all. Importing your earlier runs lets it be "
            f"judged.")


def _spike_finding(row, day: dt.date) -> Finding:
    band = row.spike_band
    rule = evidence.rule(f"load.spike.{band}")
    window = window_days()
    reference_pct = float(evidence.value("load.spike.small")) * 100
    km, ref_km, pct = row.distance_m / 1000, row.ref_longest_m / 1000, row.spike_ratio * 100
    explanation = (
        f"On {day:%d %b %Y} you ran {km:.1f} km, {pct:.0f} % more than your longest run of the {window} days "
        f"before it ({ref_km:.1f} km). In 5,205 runners followed for 18 months, runs {_band_words(band)} "
        f"the recent longest run came with a higher rate of overuse injury than runs that stayed within "
        f"{reference_pct:.0f} % of it: hazard ratio {_hrr_text(band)}. This single-run jump is the load measure "
        f"with the best evidence in runners, so it leads this report. To build safely, keep each run within "
        f"about {reference_pct:.0f} % of your longest run of the last {window} days."
    )
    return make_finding(
        codes.SPIKE, SPIKE_SEVERITY[band], f"Run {pct:.0f} % longer than your recent longest",
        # flagged from the first band's edge (10 %) whatever the band: a run 42 % over read 'flagged above 30 %'
        # beside the plan's 10 % cap (read 36); the band sets the severity and the explanation names it
        explanation, measured=round(pct, 1), threshold=round(reference_pct, 1), unit="%",
        rule=rule, on_date=day,
        details={"band": band, "distance_km": round(km, 2), "ref_longest_km": round(ref_km, 2),
                 "activity_id": row.id},
    )


def _return_finding(row, day: dt.date, window: int) -> Finding:
    gap = row.days_since_prev_run
    km = row.distance_m / 1000 if row.distance_m == row.distance_m else None
    gap_text = f"{gap:.0f} days" if gap == gap else f"at least {window} days"
    ran = f"ran {km:.1f} km" if km is not None else "ran"
    explanation = (
        f"On {day:%d %b %Y} you {ran} after {gap_text} without running. After a break there is no recent "
        f"longest run to compare with, so the spike check cannot size this run, and the body's tolerance for "
        f"running has dropped. Start shorter than before the break and build up gradually: from now on each "
        f"run is compared with your longest run of the previous {window} days."
    )
    return make_finding(
        codes.RETURN_AFTER_BREAK, Severity.LOW, f"First run after {gap_text} off",
        explanation, measured=None if gap != gap else round(float(gap), 1), threshold=window, unit="days",
        rule=evidence.rule("load.spike.window_days"), on_date=day,
        details={"distance_km": None if km is None else round(km, 2), "activity_id": row.id},
    )


def _week_end_words(week_end: object) -> str:
    """'08 Nov 2026': a week named by its last day, as the plan names it (a patient does not read '2026-W45')."""
    return f"{pd.Timestamp(week_end):%d %b %Y}"


def weekly_jump_finding(weekly: pd.DataFrame, as_of: dt.date) -> Finding | None:
    """The largest week-on-week distance jump above the rule in the lookback (others in details)."""
    rule = evidence.rule("load.weekly_progression")
    limit = float(rule.value) * 100
    if weekly.empty:
        return None
    mask = _in_lookback(weekly["week_end"], as_of, lookback_days()) & (weekly["change_pct"].to_numpy() > limit)
    if not mask.any():
        return None
    jumps = _rows(weekly, mask, ["iso_week", "week_end", "complete", "distance_km", "change_pct"])
    worst = max(jumps, key=lambda week: week.change_pct)
    previous_km = worst.distance_km / (1 + worst.change_pct / 100)
    so_far = "" if worst.complete else " so far"
    explanation = (
        f"In the week to {_week_end_words(worst.week_end)} you ran {worst.distance_km:.1f} km{so_far}, {worst.change_pct:.0f} % "
        f"more than the week before ({previous_km:.1f} km). Weekly increases above {limit:.0f} % went with more "
        f"distance-related injuries in novice runners (not statistically certain), but in 5,205 runners the "
        f"week-to-week change did not predict injury while single-run spikes did, and the '10 % rule' had no "
        f"effect in a randomised trial. {_LEADS}"
    )
    return make_finding(
        # the two weeks' distances in the title: a physiotherapist found "up 40 %" taught less than the km; to
        # 0.1 km, as the explanation gives them, so the percentage can be checked from them (read 19)
        codes.WEEKLY_JUMP, Severity.LOW,
        f"Weekly distance up {worst.change_pct:.0f} % ({previous_km:.1f} to {worst.distance_km:.1f} km{so_far})",
        explanation,
        measured=round(float(worst.change_pct), 1), threshold=limit, unit="%", rule=rule,
        extra_citations=(evidence.citation("frandsen2025"),),
        on_date=min(pd.Timestamp(worst.week_end).date(), as_of),
        details={"weeks": [
            {"iso_week": w.iso_week, "distance_km": round(float(w.distance_km), 2),
             "change_pct": round(float(w.change_pct), 1)}
            for w in jumps
        ]},
    )


def rest_streak_finding(daily: pd.DataFrame) -> Finding | None:
    """The longest run streak reaching into the lookback, if it meets the rule."""
    rule = evidence.rule("load.rest.max_streak_days")
    if daily.empty:
        return None
    streak = run_streaks(daily["runs"].to_numpy() > 0)[-lookback_days():]
    longest = int(streak.max())
    if longest < int(rule.value):
        return None
    end = daily.index[len(daily) - len(streak) + int(streak.argmax())].date()
    first = end - dt.timedelta(days=longest - 1)
    ongoing = int(streak[-1]) == longest
    until = "up to today" if ongoing else f"up to {end:%d %b %Y}"
    explanation = (
        f"You ran on {longest} days in a row, from {first:%d %b %Y} {until}. Rest days give tendons and muscles "
        f"time to adapt to running. The {rule.value}-day limit is a design choice (after Foster's advice to "
        f"alternate hard and easy days), not a proven injury cut-off. {_LEADS}"
    )
    return make_finding(
        codes.NO_REST, Severity.LOW, f"{longest} days in a row without a rest day", explanation,
        measured=longest, threshold=int(rule.value), unit="days", rule=rule, on_date=end,
        # its first day: a streak that began just before the pain did is mostly after it (advice.factors)
        details={"ongoing": ongoing, "first_day": first.isoformat()},
    )


def monotony_finding(monotony: float, strain: float, as_of: dt.date) -> Finding | None:
    """Monotony of the last 7 days at or above the warning (low) or high (moderate) level."""
    high, warn = evidence.rule("load.monotony.high"), evidence.rule("load.monotony.warn")
    if monotony != monotony or monotony < float(warn.value):
        return None
    rule, severity = (high, Severity.MODERATE) if monotony >= float(high.value) else (warn, Severity.LOW)
    explanation = (
        f"Over the last 7 days your daily training load was very even: monotony {monotony:.2f} (the average "
        f"day's load divided by how much the days differed; weekly strain {strain:.0f}). Foster linked monotony "
        f"above {high.value} together with high strain to illness and overtraining; above {warn.value} is "
        f"commonly flagged. It describes your week and does not predict knee injury: mixing easy and rest days "
        f"with harder ones lowers it. {_LEADS}"
    )
    return make_finding(
        codes.MONOTONY_HIGH, severity, f"Very even training load this week (monotony {monotony:.1f})",
        explanation, measured=round(monotony, 2), threshold=float(rule.value), unit="", rule=rule, on_date=as_of,
        details={"strain": round(strain, 1)},
    )


def acwr_finding(acwr: pd.DataFrame, history_days: int, as_of: dt.date) -> Finding | None:
    """Today's EWMA ACWR as information, with the critiques; needs a full chronic span of history."""
    rule = evidence.rule("load.acwr.high")
    _, chronic_days = evidence.value("load.acwr.spans")
    if acwr.empty or history_days < int(chronic_days) or acwr["acwr"].iloc[-1] != acwr["acwr"].iloc[-1]:
        return None
    ratio = float(acwr["acwr"].iloc[-1])
    explanation = (
        f"Your load over the last week compared with the last four weeks (exponentially weighted) gives a "
        f"ratio of {ratio:.2f}. Team-sport studies called {rule.value} or more a 'danger zone', but the ratio "
        f"is mathematically coupled, its cut-offs were chosen after the fact, and in 5,205 runners a higher "
        f"ratio went with fewer injuries, not more. It is shown because many watches show it; no advice here "
        f"depends on it. {_LEADS}"
    )
    return make_finding(
        codes.ACWR_CONTEXT, Severity.INFO, f"Acute:chronic load ratio {ratio:.2f} (context only)", explanation,
        measured=round(ratio, 3), threshold=float(rule.value), unit="ratio", rule=rule, on_date=as_of,
        details={"acute": round(float(acwr["acute"].iloc[-1]), 1),
                 "chronic": round(float(acwr["chronic"].iloc[-1]), 1)},
    )


def long_run_share_finding(weekly: pd.DataFrame, as_of: dt.date) -> Finding | None:
    """The latest complete week with running in the lookback, if its longest run exceeded the share rule."""
    rule = evidence.rule("load.long_run_share")
    min_runs = int(evidence.value("load.long_run_share_min_runs"))
    if weekly.empty:
        return None
    ran = weekly["distance_km"].to_numpy() > 0
    mask = weekly["complete"].to_numpy(dtype=bool) & ran & _in_lookback(weekly["week_end"], as_of, lookback_days())
    if not mask.any():
        return None
    mask[: np.flatnonzero(mask)[-1]] = False  # only the latest such week
    (week,) = _rows(weekly, mask, ["iso_week", "week_end", "distance_km", "runs", "longest_run_km", "long_run_share"])
    share = float(week.long_run_share)
    if not share > float(rule.value):
        return None
    runs = int(week.runs)
    few = runs < min_runs
    note = f" With fewer than {min_runs} runs a week a high share is automatic, so this is information only."
    note = note if few else ""
    explanation = (
        f"In the week to {_week_end_words(week.week_end)} your longest run ({week.longest_run_km:.1f} km) was {share:.0%} of the "
        f"week's {week.distance_km:.1f} km over {runs} runs. When one run carries much of the "
        f"week it is often also a jump over your recent longest run, the measure with evidence.{note} {_LEADS}"
    )
    return make_finding(
        codes.LONG_RUN_SHARE, Severity.INFO if few else Severity.LOW,
        f"Long run was {share:.0%} of the week", explanation, measured=round(share * 100, 1),
        threshold=round(float(rule.value) * 100, 1), unit="%", rule=rule,
        on_date=pd.Timestamp(week.week_end).date(), details={"runs": runs},
    )


def no_data_finding(as_of: dt.date) -> Finding:
    explanation = (
        f"No running sessions were found up to {as_of:%d %b %Y}. Import your watch's activity files (FIT, GPX "
        f"or TCX) or a Strava or Garmin export. Runs need their sport recorded as running and a distance; heart "
        f"rate, if recorded, lets us estimate training load too. With a few weeks of runs we can check whether "
        f"any run jumped well past your recent longest run, the load pattern best linked to overuse injury."
    )
    return make_finding(
        codes.NO_DATA, Severity.INFO, "No runs to analyse yet", explanation,
        rule=evidence.rule("load.spike.window_days"), on_date=as_of,
    )
