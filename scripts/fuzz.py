"""The long fuzz run (issue 14, item 6): N mutated inputs across every reader.

    python scripts/fuzz.py N [--seed S] [--kinds fit,gpx,...] [--save DIR]

Mutates real files from tests/data (byte flips, truncation, insertion, deletion,
XML/JSON structure tokens) and feeds them, round robin, to the FIT, GPX, TCX,
archive, answers, keypoint and C3D readers. Reports per reader how many inputs
ran and how many ended in a traceback (anything but a UserError) or, once
`kneeguard.ingest.plausibility` exists, in values outside the plausibility
limits. Crashers are written to --save (default tests/data/fuzz/new) to be kept
as regression files. Exit code 1 when any was found.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests import fuzz_support  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(fuzz_support.READERS))
    parser.add_argument("--save", type=Path, default=fuzz_support.REGRESSIONS / "new")
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    rng = random.Random(args.seed)
    seeds = {kind: fuzz_support.seed_for(kind) for kind in kinds}
    ran, failed = Counter(), Counter()
    started = time.perf_counter()
    for i in range(args.count):
        kind = kinds[i % len(kinds)]
        name, data = rng.choice(seeds[kind])
        mutated = fuzz_support.mutate(data, rng, kind)
        problem = fuzz_support.check_input(kind, name, mutated)
        ran[kind] += 1
        if problem:
            failed[kind] += 1
            args.save.mkdir(parents=True, exist_ok=True)
            target = args.save / f"{kind}-{args.seed}-{i}{Path(name).suffix}"
            target.write_bytes(mutated)
            print(f"{target}: {problem.strip().splitlines()[-1]}", flush=True)
    seconds = time.perf_counter() - started
    print(f"\n{sum(ran.values())} inputs in {seconds:.0f} s (seed {args.seed}); failures: {sum(failed.values())}")
    for kind in kinds:
        print(f"  {kind:10s} {ran[kind]:6d} inputs, {failed[kind]} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
