"""Toe-off and initial-contact errors of every candidate rule at 2.5, 3.5 and 4.5 m/s (issue 15, fourth pass).

    python scripts/validate_speeds.py [--processed …] [--markers …] [--forces …] [--static …] [--seeds 1 2 3]

Markers and forces exist at 2.5 m/s only, so faster speeds are run on a *curve runner*
(`kneeguard.gait.validation.curve_runner`): a planar linkage driven by the authors' ensemble-mean
sagittal hip/knee/ankle curves (`RBDS001processed.txt`), segment lengths and foot/trochanter offsets
from the static trial, pelvis tilt = the 2.5 m/s marker trial's mean (constant), stride time from the
stance foot's backward travel at belt speed, hip height from foot-on-ground in stance and a ballistic
flight; truth TO = the authors' vertical GRF falling below 20 N (interpolated between rows), truth
IC = row 0. The cycle is repeated for 30 s and seen by the same virtual camera, frame rates
(150 / 60 / 30 fps) and noise (8 px, seeds 1-3) as the marker trial.

1. Proxy check: the runner built from the 2.5 m/s curves against the real 2.5 m/s marker trial. It is
   usable if every rule's noise-free 150 fps median TO bias is within 0.5 frame of the marker trial's.
2. Table: rule x speed x fps x noise, median |TO error| and median bias in frames and ms (noise rows
   per seed and pooled), and IC the same way; 2.5 m/s from the real markers, 3.5 / 4.5 m/s from the runner.
3. Choice (pre-registered, docs/validation.md "Fourth pass"): the rule with the smallest worst-condition
   median |TO error| in frames over the 2.5 m/s marker conditions and the 3.5 / 4.5 m/s runner
   conditions (each fps x {noise-free, seed 1, 2, 3}); no rule is chosen if the proxy check fails.
   Seed 0 is never used (it is the final table's seed).
Added after the check first failed (the pre-registered stop made executable): when the proxy check fails the
script prints the 2.5 m/s table, does not run 3.5 / 4.5 m/s unless --despite-failed-proxy is given, and exits 1.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from kneeguard.gait.io.forces import contact_threshold_n, force_events, summarize_events
from kneeguard.gait.io.mocap import read_markers
from kneeguard.gait.io.processed import read_processed
from kneeguard.gait.keypoints import GaitError, KeypointSeries
from kneeguard.gait.validation.curve_runner import build_runner, left_phase, pelvis_tilt_deg
from kneeguard.gait.validation.rule_sweep import Condition, sweep
from kneeguard.gait.validation.validate import add_trial_arguments, match_events
from kneeguard.gait.validation.virtual_camera import mocap_keypoints

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "gait" / "fukuchi2017"
RULES = ("toe_slip", "toe_forward", "knee_extension", "forward_and_knee", "knee_extension_lsq")
# The real marker trial's pooled noise-free 150 fps TO bias in frames (docs/validation.md, second/third pass).
REAL_BIAS_150 = {"toe_slip": -2.17, "toe_forward": -0.17, "knee_extension": 1.10, "forward_and_knee": 0.48,
                 "knee_extension_lsq": 0.98}
PROXY_TOLERANCE_FRAMES = 0.5  # pre-registered in docs/validation.md (fourth pass)


def condition_errors(native: KeypointSeries, truth: pd.DataFrame, window_s: float, seeds: list[int],
                     name: str, label: dict) -> list[dict]:
    """Per-contact IC and TO errors of every rule at 150/60/30 fps, noise-free and 8 px per seed (the shared
    rule sweep); a failed analysis is reported and its condition scores no contact."""
    def report(condition: Condition, rule: str, exc: GaitError) -> None:
        print(f"   {name}: {rule} at {condition.fps:g} fps noise {condition.noise_px:g} seed {condition.seed}: "
              f"analysis failed: {exc}")

    rows = []
    for condition, found in sweep(native, seeds, RULES, height_cm=181, on_failure=report):
        fps = condition.fps
        for rule, detected in found.items():
            events = [("TO", "to_time_s")] + ([("IC", "ic_time_s")] if rule == "knee_extension_lsq" else [])
            for event, column in events:
                m = match_events(detected, truth, column, window_s)
                rows += [{**label, "rule": rule if event == "TO" else "(IC rule)", "event": event, "fps": fps,
                          "noise": condition.noise_px, "seed": condition.seed, "error_ms": e,
                          "error_frames": e * fps / 1000.0, "n_truth": len(truth)} for e in m["error_ms"]]
    return rows


def summary_table(errors: pd.DataFrame) -> pd.DataFrame:
    """Median |error| and median bias (frames and ms) per source, speed, event, rule, fps and noise (seeds pooled)."""
    keys = ["source", "speed", "event", "rule", "fps", "noise"]
    g = errors.groupby(keys)
    out = pd.DataFrame({
        "abs_frames": g["error_frames"].apply(lambda e: np.median(np.abs(e))),
        "bias_frames": g["error_frames"].median(),
        "abs_ms": g["error_ms"].apply(lambda e: np.median(np.abs(e))),
        "bias_ms": g["error_ms"].median(),
        "n": g.size(),
    })
    return out.round(2).reset_index()


def worst_conditions(errors: pd.DataFrame) -> pd.Series:
    """Each TO rule's largest median |error| (frames) over its conditions (fps x noise seed x speed)."""
    to = errors[errors["event"] == "TO"]
    per = to.groupby(["rule", "source", "speed", "fps", "noise", "seed"])["error_frames"].apply(
        lambda e: np.median(np.abs(e)))
    return per.groupby("rule").max().round(2)


def markdown(summary: pd.DataFrame) -> str:
    """The summary as a Markdown table (one row per source, speed, event, rule, fps and noise)."""
    lines = ["| source | speed m/s | event | rule | fps | noise px | median \\|err\\| frames | bias frames | "
             "median \\|err\\| ms | bias ms | n |", "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in summary.itertuples():
        lines.append(f"| {r.source} | {r.speed} | {r.event} | {r.rule} | {r.fps:g} | {r.noise:g} | {r.abs_frames:.2f} | "
                     f"{r.bias_frames:+.2f} | {r.abs_ms:.1f} | {r.bias_ms:+.1f} | {r.n} |")
    return "\n".join(lines)


def proxy_check(summary: pd.DataFrame) -> bool:
    """Print the pre-registered check; True when every rule's runner bias is within tolerance of the markers'."""
    print(f"\nProxy check (2.5 m/s, 150 fps, noise-free TO bias in frames; pass if |runner - markers| <= "
          f"{PROXY_TOLERANCE_FRAMES}):")
    clean = summary[(summary["event"] == "TO") & (summary["noise"] == 0) & (summary["fps"] == 150)]
    passed = True
    for rule in RULES:
        real = clean[(clean["source"] == "markers") & (clean["rule"] == rule)]["bias_frames"]
        proxy = clean[(clean["source"] == "runner") & (clean["speed"] == "2.5") & (clean["rule"] == rule)]["bias_frames"]
        if real.empty or proxy.empty:
            print(f"   {rule:20s} markers {real.iloc[0] if len(real) else float('nan'):+.2f} runner: no contact "
                  "matched (the analysis failed)  FAIL")
            passed = False
            continue
        gap = float(proxy.iloc[0] - real.iloc[0])
        ok = abs(gap) <= PROXY_TOLERANCE_FRAMES
        passed &= ok
        print(f"   {rule:20s} markers {real.iloc[0]:+.2f} (docs {REAL_BIAS_150[rule]:+.2f})  runner "
              f"{proxy.iloc[0]:+.2f}  gap {gap:+.2f}  {'ok' if ok else 'FAIL'}")
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_trial_arguments(parser, DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--mass-kg", type=float, default=62.0, help="the runner's mass (RBDSinfo.txt: 62 kg)")
    parser.add_argument("--hip", choices=("gtr", "pelvis"), default="gtr", help="hip keypoint of the runner")
    parser.add_argument("--stride-scale", type=float, default=1.0,
                        help="multiply the runner's kinematic stride time (a sensitivity run; 1 = as pre-registered)")
    parser.add_argument("--despite-failed-proxy", action="store_true",
                        help="run 3.5 and 4.5 m/s even when the 2.5 m/s proxy check fails (labelled; no rule chosen)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--csv", type=Path, help="write every per-contact error here")
    args = parser.parse_args(argv)
    if 0 in args.seeds:
        parser.error("seed 0 is the final table's seed")
    threshold = contact_threshold_n()
    trial, static = read_markers(args.markers), read_markers(args.static)
    contacts = force_events(args.forces, trial)
    plate_stride = 2 * summarize_events(contacts)["step_time_s"]
    table = read_processed(args.processed)
    tilt, phase = pelvis_tilt_deg(trial), left_phase(contacts)
    print(f"From the 2.5 m/s marker trial: pelvis anterior tilt {tilt:.2f}° (constant), left IC at {phase:.4f} of "
          f"the right stride; force plate: stride {plate_stride:.4f} s")

    def run_runner(speed: str) -> list[dict]:
        runner = build_runner(table, static, speed, tilt, phase, mass_kg=args.mass_kg, threshold_n=threshold,
                              hip=args.hip, stride_scale=args.stride_scale)
        print(f"Curve runner {runner.speed_m_s:g} m/s: stride {runner.stride_s:.4f} s, stance fraction right "
              f"{runner.stance_fraction['right']:.4f} left {runner.stance_fraction['left']:.4f}, "
              f"{len(runner.contacts)} truth contacts")
        if speed == "25":
            print(f"   stride check: {runner.stride_s:.4f} s vs force plate {plate_stride:.4f} s "
                  f"({100 * (runner.stride_s / plate_stride - 1):+.1f} %)")
        return condition_errors(runner.series, runner.contacts, runner.stride_s / 4, args.seeds,
                                f"runner {runner.speed_m_s:g} m/s", {"source": "runner", "speed": f"{runner.speed_m_s:g}"})

    rows = condition_errors(mocap_keypoints(trial, static, person_height_m=1.81), contacts, plate_stride / 4,
                            args.seeds, "markers 2.5 m/s", {"source": "markers", "speed": "2.5"})
    rows += run_runner("25")
    passed = proxy_check(summary_table(pd.DataFrame(rows)))
    if passed or args.despite_failed_proxy:
        rows += run_runner("35") + run_runner("45")
    errors = pd.DataFrame(rows)
    if args.csv:
        errors.to_csv(args.csv, index=False)
    summary = summary_table(errors)
    print("\nMedian |error| and bias (frames, ms); noise 8 = seeds pooled; positive = detected late:")
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(markdown(summary) if args.markdown else summary.to_string(index=False))
    if not passed:
        print("\nProxy check FAILED: no rule is chosen from this pass (pre-registered, docs/validation.md)"
              + ("; the 3.5 / 4.5 m/s rows above come from a proxy that failed its check." if args.despite_failed_proxy
                 else "; 3.5 / 4.5 m/s not run (--despite-failed-proxy runs them, labelled)."))
        return 1
    worst = worst_conditions(errors[(errors["source"] == "markers") | errors["speed"].isin(["3.5", "4.5"])])
    print("\nWorst-condition median |TO error| (frames) over 2.5 m/s markers and the 3.5 / 4.5 m/s runner:")
    print(worst.to_string())
    print(f"Criterion picks: {worst.idxmin()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
