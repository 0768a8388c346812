"""Import speed and memory against fitdecode's bare decode, side by side in one run.

    python benchmarks/bench_import.py [PATH ...] [--athletes N] [--repeat R]

PATHs are folders or FIT files (default: tests/data/activities). For each case
the script times, in the same process and run:
  * fitdecode: iterate every frame of every FIT file (the reference decoder);
  * kneeguard: decode + normalise + store (SQLite + Parquet) through the real
    import pipeline into a fresh data folder.
The "history" case imports the corpus once per athlete (N athletes, so that the
store ends with at least 1,000 activities) against N bare decodes. Peak memory is
measured in a child process importing the corpus once. Results are printed as a
Markdown table with the kneeguard/fitdecode time ratio.
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fitdecode

ROOT = Path(__file__).resolve().parents[1]


def fit_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(p for p in path.rglob("*.fit")) if path.is_dir() else [path])
    return found


def bare_decode(blobs: list[bytes], lean: bool = False) -> int:
    """Iterate every frame with fitdecode; returns frames read.

    Default: fitdecode as a user would call it (its standard data processor).
    lean=True: the settings kneeguard's reader uses (no data processor, CRC off,
    errors ignored) - the stricter baseline, since it is the floor for our reader.
    """
    frames = 0
    options = (
        dict(processor=None, check_crc=fitdecode.CrcCheck.DISABLED, error_handling=fitdecode.ErrorHandling.IGNORE)
        if lean else dict(check_crc=fitdecode.CrcCheck.DISABLED, error_handling=fitdecode.ErrorHandling.IGNORE)
    )
    for data in blobs:
        try:
            with fitdecode.FitReader(io.BytesIO(data), **options) as reader:
                for _ in reader:
                    frames += 1
        except fitdecode.FitError:
            pass  # broken files cost their decode time up to the error, as in kneeguard
    return frames


def kneeguard_import(files: list[Path], athletes: int) -> int:
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import open_store
    from kneeguard.store.importer import import_sources

    with tempfile.TemporaryDirectory() as home:
        store = open_store(home=Path(home))
        total = 0
        for i in range(athletes):
            outcomes = import_sources(store, iter_sources(files), athlete=f"bench-{i}")
            total += sum(o.activities for o in outcomes)
        store.close()
    return total


def best_of(repeat: int, fn, *args) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def peak_memory_mb(files: list[Path]) -> float:
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from benchmarks.bench_import import kneeguard_import;"
        "kneeguard_import([Path(p) for p in sys.argv[2:]], 1)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-c", code, str(ROOT), *map(str, files)], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024.0  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "data" / "activities"])
    parser.add_argument("--athletes", type=int, default=0, help="history case: athletes (0 = enough for 1,000 activities)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    files = fit_files(args.paths)
    blobs = [f.read_bytes() for f in files]
    megabytes = sum(map(len, blobs)) / 1e6
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, fitdecode {fitdecode.__version__}")
    print(f"corpus: {len(files)} FIT files, {megabytes:.2f} MB")

    t_ref, _ = best_of(args.repeat, bare_decode, blobs)
    t_lean, _ = best_of(args.repeat, bare_decode, blobs, True)
    t_kg, n_act = best_of(args.repeat, kneeguard_import, files, 1)
    athletes = args.athletes or -(-1000 // max(int(n_act), 1))
    t_ref_h = best_of(1, lambda: [bare_decode(blobs) for _ in range(athletes)])[0]
    t_kg_h, n_hist = best_of(1, kneeguard_import, files, athletes)
    memory = peak_memory_mb(files)

    print()
    print("| case | activities | fitdecode bare decode (s) | kneeguard import (s) | ratio | s/MB kneeguard |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| corpus, best of {args.repeat} | {n_act} | {t_ref:.2f} | {t_kg:.2f} | {t_kg / t_ref:.2f}x | {t_kg / megabytes:.2f} |")
    print(f"| corpus vs fitdecode with kneeguard's lean settings | {n_act} | {t_lean:.2f} | {t_kg:.2f} | "
          f"{t_kg / t_lean:.2f}x | {t_kg / megabytes:.2f} |")
    print(f"| history: corpus x {athletes} athletes | {n_hist} | {t_ref_h:.2f} | {t_kg_h:.2f} | "
          f"{t_kg_h / t_ref_h:.2f}x | {t_kg_h / (megabytes * athletes):.2f} |")
    print(f"\npeak memory importing the corpus (child process max RSS): {memory:.0f} MB")
    print(f"target: ratio <= 1.2x; memory < 500 MB -> "
          f"{'OK' if t_kg / t_ref <= 1.2 and t_kg_h / t_ref_h <= 1.2 else 'MISSED'} / {'OK' if memory < 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
