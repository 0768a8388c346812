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
"""
