"""Start-up time of light commands, measured as users run them: fresh processes, wall time.

    python benchmarks/bench_startup.py [--rounds N] [--against SRC ...]

Cases: `kneeguard --help`, `kneeguard import EMPTY_FOLDER` (nothing to read: no store is opened),
`kneeguard import ONE_FILE_FOLDER` (a small FIT file already in the store: the start-up of a real import, with the
store opened, the file decoded and found again), `kneeguard plan tick --help`, and the bare interpreter (`python -c pass`) as the
floor. Each is run as `python -m kneeguard.cli ...` in a new process. `--against SRC` adds other source
trees (e.g. an older checkout's `src`) as variants run with PYTHONPATH=SRC, so before and after are timed in
the same run. The runs are interleaved (round by round, case by case, the variants' order alternating) so
that a change in the machine's load hits every variant alike; the first run of each is a warm-up, not timed
(it also writes the .pyc files, as an installed package has them, even when PYTHONDONTWRITEBYTECODE is set).
Printed: the wall time's median and spread (min-max) over the rounds per case and variant, the median CPU
time (user + system), and the load average before and after, as a Markdown table.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_runs import Case, header, interleaved, markdown  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "--help": ["--help"],
    "import (empty folder)": ["import", "{empty}", "--home", "{home}"],
    "import (one file seen before)": ["import", "{one}", "--home", "{home}"],
    "plan tick --help": ["plan", "tick", "--help"],
}
FLOOR = "python -c pass"
# A small real FIT file (tests/data, from fitparse's test files): imported in the warm-up, so the timed runs
# open the store, decode and hash it, and find it already there, as a re-import does.
ONE_FILE = ROOT / "tests" / "data" / "activities" / "fitparse" / "Activity.fit"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="timed runs per case and variant (default 7)")
    parser.add_argument("--against", type=Path, nargs="*", default=[],
                        help="other source trees to time alongside this one (PYTHONPATH=SRC)")
    opts = parser.parse_args()
    variants = {"this tree": ROOT / "src", **{f"{src}": src.resolve() for src in opts.against}}
    with tempfile.TemporaryDirectory(prefix="kg-startup-") as tmp:
        empty = Path(tmp, "empty")
        empty.mkdir()
        one = Path(tmp, "one")
        one.mkdir()
        shutil.copy(ONE_FILE, one)
        homes = {name: Path(tmp, f"home{i}") for i, name in enumerate(variants)}
        cases = [Case(FLOOR, ["-c", "pass"], src=None)]
        for case, template in CASES.items():
            for name, src in variants.items():
                args = [a.format(empty=empty, one=one, home=homes[name]) for a in template]
                cases.append(Case(f"{case} ({name})", ["-m", "kneeguard.cli", *args], src=src))
        timings = interleaved(cases, opts.rounds)
    print(header("Start-up", timings))
    print()
    print(markdown(timings))


if __name__ == "__main__":
    main()
