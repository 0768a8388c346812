"""Run the motion-capture validation of the gait analysis and write a Markdown table.

    python scripts/validate_gait.py [--markers F] [--forces F] [--static F] [--processed F]
                                    [--noise-px 8] [--seed 0] [--to-rule RULE] [--out validation.md]
                                    [--json results.json]

Defaults are the Fukuchi et al. (2017) subject RBDS001 files in tests/data/gait/fukuchi2017
(CC BY 4.0; cite Fukuchi, Fukuchi & Duarte 2017, PeerJ 5:e3298).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kneeguard.gait.events import EventParameters
from kneeguard.gait.toe_off_rules import TO_RULES
from kneeguard.gait.validation.validate import (DEFAULT_NOISE_PX, add_trial_arguments, load_reference, markdown_table,
                                               reference_facts, validate_mocap)

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "gait" / "fukuchi2017"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_trial_arguments(parser, DATA)
    parser.add_argument("--speed", choices=("25", "35", "45"), help="processed-curve speed (default: from the trial's name)")
    parser.add_argument("--no-static", action="store_true", help="use the marker-only joint approximation")
    parser.add_argument("--noise-px", type=float, default=DEFAULT_NOISE_PX)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--height-cm", type=float, default=181.0)
    parser.add_argument("--to-rule", choices=TO_RULES, help="toe-off rule (default: the analysis' own)")
    parser.add_argument("--out", type=Path, help="write the Markdown here (default: print)")
    parser.add_argument("--json", type=Path, help="also write the raw numbers as JSON")
    args = parser.parse_args(argv)
    try:
        reference = load_reference(args.markers, args.forces, None if args.no_static else args.static, args.processed,
                                   speed=args.speed)
        params = EventParameters(to_rule=args.to_rule) if args.to_rule else None
        results = validate_mocap(noise_px=args.noise_px, seed=args.seed, height_cm=args.height_cm, reference=reference,
                                 event_parameters=params)
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    facts = reference_facts(reference)
    knee = ", ".join(f"{side} IC {v['ic_deg']:.1f}° / peak {v['peak_deg']:.1f}°" for side, v in facts["knee"].items())
    text = "\n".join([
        f"Reference: {facts['n_contacts']} force-plate contacts; contact {facts['contact_time_ms']:.1f} ± "
        f"{facts['contact_time_sd_ms']:.1f} ms; step {facts['step_time_ms']:.1f} ms; cadence {facts['cadence_spm']:.1f} "
        f"steps/min; knee ({facts['knee_source']}{'' if facts['knee_truth']['is_truth'] else ', not a truth'}): {knee}. Noise rows: σ = {args.noise_px:g} px, seed {args.seed}."
        f" TO rule: {(params or EventParameters()).to_rule}.",
        "",
        markdown_table(results),
        "",
    ])
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text)
    if args.json:
        args.json.write_text(json.dumps({"reference": facts, "results": results}, indent=2, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
