"""Statistics over the cohort's at-risk intervals: incidence by spike band and a Cox model clustered by athlete.

Both from statsmodels (see docs/cohort.md for the method):
- incidence per 1,000 runs with Wilson 95 % intervals (`proportion_confint`), and per 1,000 days at
  risk with exact Poisson intervals (`confint_poisson`, 'exact-c');
- hazard ratios of each band against the reference band from a Cox proportional-hazards model on the
  counting-process intervals (`PHReg` with `entry=` for the late entries, Breslow ties), its standard
  errors the robust sandwich clustered by athlete (`fit(groups=...)`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

from kneeguard.batch.cohort import STATES

CONFIDENCE = 0.95  # the usual two-sided 95 % interval; a reporting convention, not advice
PER = 1000.0


@dataclass
class CohortResult:
    """What the analysis found: one row per band (`table`) and the counts behind it."""

    table: pd.DataFrame  # band, runs, injuries, incidence and rate with CIs, hr with CI and p
    athletes: int
    athletes_excluded: dict[str, int]
    runs: int
    injuries: int
    injuries_outside_states: int
    events: str
    notes: list[str] = field(default_factory=list)
    joint_p: float = float("nan")  # Wald test that every band's hazard ratio is 1 (clustered covariance)

    def hazard_ratio(self, band: str) -> tuple[float, float, float]:
        row = self.table.set_index("band").loc[band]
        return float(row["hr"]), float(row["hr_low"]), float(row["hr_high"])


def incidence_by_band(intervals: pd.DataFrame) -> pd.DataFrame:
    """Runs, injuries, injuries per 1,000 runs (Wilson CI) and per 1,000 days at risk (exact Poisson CI)."""
    from statsmodels.stats.proportion import proportion_confint
    from statsmodels.stats.rates import confint_poisson

    alpha = 1 - CONFIDENCE
    rows = []
    for band in STATES:
        mine = intervals[intervals["band"] == band]
        runs = int(mine[["athlete", "run_id"]].drop_duplicates().shape[0])
        if runs == 0:
            continue
        injuries = int(mine["event"].sum())
        days = float((mine["exit"] - mine["entry"]).sum())
        low, high = proportion_confint(injuries, runs, alpha=alpha, method="wilson")
        # Wilson's lower bound at 0 injuries comes back as ~1e-14, above the estimate 0: the interval is made to
        # hold its estimate (a plot's error bar of negative length crashed `batch cohort`)
        low, high = min(float(low), injuries / runs), max(float(high), injuries / runs)
        rate_low, rate_high = confint_poisson(injuries, days, method="exact-c", alpha=alpha)
        if days:
            rate_low, rate_high = min(float(rate_low), injuries / days), max(float(rate_high), injuries / days)
        rows.append({
            "band": band, "runs": runs, "injuries": injuries,
            "per_1000_runs": PER * injuries / runs, "per_1000_runs_low": PER * low, "per_1000_runs_high": PER * high,
            "days_at_risk": days, "per_1000_days": PER * injuries / days if days else np.nan,
            "per_1000_days_low": PER * float(rate_low), "per_1000_days_high": PER * float(rate_high),
        })
    return pd.DataFrame(rows)


def hazard_ratios(intervals: pd.DataFrame) -> tuple[pd.DataFrame, list[str], float]:
    """Cox hazard ratios of each band vs 'reference' (robust SE clustered by athlete), notes, and the
    p-value of the joint Wald test that all of them are 1."""
    from statsmodels.duration.hazard_regression import PHReg

    notes = []
    events_by_band = intervals.groupby("band")["event"].sum()
    if events_by_band.get("reference", 0) == 0:
        return pd.DataFrame(columns=["band", "hr", "hr_low", "hr_high", "p"]), ["no injury in the reference band: "
                                                                            "no hazard ratio can be estimated"], float("nan")
    compared = [b for b in STATES[1:] if events_by_band.get(b, 0) > 0]
    for band in STATES[1:]:
        if band in events_by_band.index and band not in compared:
            notes.append(f"no injury in the {band} band: its hazard ratio is not estimable and it is left out")
    if not compared:  # only the reference band has injuries: nothing to compare it with (was a crash)
        return (pd.DataFrame(columns=["band", "hr", "hr_low", "hr_high", "p"]),
                notes + ["no injury outside the reference band: no hazard ratio can be estimated"], float("nan"))
    kept = intervals[intervals["band"].isin(["reference", *compared])]
    exog = np.column_stack([(kept["band"] == b).to_numpy(dtype=float) for b in compared])
    model = PHReg(kept["exit"].to_numpy(float), exog, status=kept["event"].to_numpy(float),
                  entry=kept["entry"].to_numpy(float), ties="breslow")
    tolerance = 1e-4 * (1 + kept["event"].sum())
    with warnings.catch_warnings():  # trial steps may overflow; convergence is checked on the gradient
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            fitted = model.fit()  # Newton: fast, but without a line search it can overshoot on a small band
        except np.linalg.LinAlgError:  # a singular information matrix (a tiny cohort): the slower search
            fitted = None
        if fitted is None or not _converged(model, fitted.params, tolerance):
            try:
                fitted = model.fit(method="bfgs", maxiter=500)
            except (np.linalg.LinAlgError, ValueError):  # no fit at all (statsmodels: no covariance): said,
                # not a crash (a research engineer's two-athlete subset)
                return (pd.DataFrame(columns=["band", "hr", "hr_low", "hr_high", "p"]),
                        notes + ["the Cox model cannot be fitted (too few injuries or athletes): no hazard ratio"],
                        float("nan"))
    if not _converged(model, fitted.params, tolerance):
        notes.append("the Cox fit did not converge (too few new problems in some band): the hazard ratios are "
                     "not reliable")
    cov = clustered_covariance(model, fitted.params, pd.factorize(kept["athlete"])[0])
    se = np.sqrt(np.diag(cov))
    z = norm.ppf(0.5 + CONFIDENCE / 2)
    log_hr = np.asarray(fitted.params)
    table = pd.DataFrame({"band": compared, "hr": np.exp(log_hr), "hr_low": np.exp(log_hr - z * se),
                          "hr_high": np.exp(log_hr + z * se), "p": 2 * norm.sf(np.abs(log_hr / se)),
                          "log_hr_se": se})
    try:
        wald = float(log_hr @ np.linalg.solve(cov, log_hr))
    except np.linalg.LinAlgError:  # too few athletes or events for the clustered covariance (was a crash)
        notes.append("the clustered covariance is singular (too few athletes or injuries): no joint test")
        return table, notes, float("nan")
    return table, notes, float(chi2.sf(wald, len(log_hr)))


def _converged(model, params: np.ndarray, tolerance: float) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return bool(np.all(np.isfinite(params)) and np.abs(model.score(params)).max() < tolerance)


def score_residuals(entry: np.ndarray, exit: np.ndarray, event: np.ndarray, exog: np.ndarray,
                    params: np.ndarray) -> np.ndarray:
    """Per-row score residuals of a Breslow Cox model on counting-process rows (entry, exit].

    r_j = d_j (x_j - xbar(exit_j)) - exp(eta_j) * sum over event times t in (entry_j, exit_j] of
    (x_j - xbar(t)) dLambda0(t), with xbar and dLambda0 = d(t)/S0(t) over the rows at risk at t.
    They sum to the score, zero at the estimate. Written here because statsmodels 0.15's
    `PHReg.score_residuals` ignores `entry=` (its residuals do not sum to zero with late entries), so
    its `fit(groups=...)` sandwich cannot be used on this design.
    """
    risk = np.exp(exog @ params)
    times = np.unique(exit[event > 0])
    by_exit, by_entry = np.argsort(exit), np.argsort(entry)
    # sums over the rows at risk at each event time t: exit >= t minus entry >= t
    def suffix(values: np.ndarray, order: np.ndarray, keys: np.ndarray) -> np.ndarray:
        cumulative = np.vstack([np.cumsum(values[order][::-1], axis=0)[::-1], np.zeros((1,) + values.shape[1:])])
        return cumulative[np.searchsorted(keys[order], times, side="left")]
    weighted = np.column_stack([risk, risk[:, None] * exog])
    at_risk = suffix(weighted, by_exit, exit) - suffix(weighted, by_entry, entry)
    s0, xbar = at_risk[:, 0], at_risk[:, 1:] / at_risk[:, :1]
    deaths = np.bincount(np.searchsorted(times, exit[event > 0]), minlength=len(times))
    d_lambda = deaths / s0
    cum_a = np.concatenate([[0.0], np.cumsum(d_lambda)])
    cum_b = np.vstack([np.zeros((1, exog.shape[1])), np.cumsum(xbar * d_lambda[:, None], axis=0)])
    hi, lo = np.searchsorted(times, exit, side="right"), np.searchsorted(times, entry, side="right")
    compensator = risk[:, None] * (exog * (cum_a[hi] - cum_a[lo])[:, None] - (cum_b[hi] - cum_b[lo]))
    at_exit = xbar[np.clip(np.searchsorted(times, exit), 0, len(times) - 1)]
    return np.where(event[:, None] > 0, exog - at_exit, 0.0) - compensator


def clustered_covariance(model, params: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The robust sandwich covariance with rows clustered by `groups` (Lin & Wei 1989): the estimator
    `PHReg.fit(groups=...)` uses, with score residuals that respect the late entries."""
    entry = model.entry if model.entry is not None else np.full(len(model.endog), -np.inf)
    score = score_residuals(entry, model.endog, model.status, model.exog, np.asarray(params))
    per_group = np.zeros((int(groups.max()) + 1, score.shape[1]))
    np.add.at(per_group, groups, score)
    bread = np.linalg.inv(model.hessian(params))
    return bread @ (per_group.T @ per_group) @ bread


def analyse(intervals: pd.DataFrame, athletes: int, excluded: dict[str, int], outside: int,
            events: str) -> CohortResult:
    """The cohort table: incidence by band joined with the hazard ratios (the reference band has HR 1)."""
    incidence = incidence_by_band(intervals)
    notes: list[str] = []
    if incidence.empty:
        return CohortResult(incidence, athletes, excluded, 0, 0, outside, events, ["no at-risk time in the cohort"])
    hazards, notes, joint_p = hazard_ratios(intervals)
    table = incidence.merge(hazards, on="band", how="left")
    reference = table["band"] == "reference"
    table.loc[reference, ["hr", "hr_low", "hr_high"]] = 1.0
    runs = int(table["runs"].sum())
    return CohortResult(table, athletes, excluded, runs, int(table["injuries"].sum()), outside, events, notes,
                        joint_p)


def cohort_result(athletes: list, events: str) -> CohortResult:
    """The analysis of every athlete's contribution (`cohort.AthleteCohort`s), with who was left out and why."""
    from collections import Counter

    from kneeguard.batch.cohort import combine

    excluded = Counter(a.excluded for a in athletes if a.excluded)
    analysed = [a for a in athletes if not a.excluded]
    return analyse(combine(analysed), len(analysed), dict(excluded), sum(a.outside_states for a in analysed), events)
