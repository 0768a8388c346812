"""Does the fast FIT path give exactly what the fitdecode path gives? One line per file.

    python benchmarks/fit_agreement.py [PATH ...]

PATHs are folders (searched for *.fit) or files; default: tests/data/activities.
For every file both paths run through `kneeguard.ingest.readers.read_bytes` (decode,
normalise, plausibility cleaning); every activity field, every sample column
(NaN equal to NaN), every warning, the skip reason and the error must be identical.
Prints `fast`, `fallback (why)` or `DIFFERS: ...`; exits 1 if any file differs.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kneeguard.ingest import fit_fast  # noqa: E402
from kneeguard.ingest.agreement import compare_paths  # noqa: E402


def fit_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.fit")) if path.is_dir() else [path])
    return found


def main() -> int:
    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "tests" / "data" / "activities"]
    differing = 0
    for path in fit_files(paths):
        data = path.read_bytes()
        problems = compare_paths(str(path), data)
        how = "fast" if fit_fast.decode(data) is not None else f"fallback ({fit_fast.why_declined(data)})"
        if problems:
            differing += 1
            print(f"DIFFERS {path}: {'; '.join(problems[:5])}")
        else:
            print(f"same    {how:<60} {path}")
    print(f"{differing} file(s) differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
