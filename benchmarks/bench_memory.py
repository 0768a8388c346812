"""Peak memory of a fresh `kneeguard import` process, one input at a time (issue 14).

    python benchmarks/bench_memory.py [PATH ...] [--generate DIR] [--points N]

Each PATH (a file, folder or archive) is imported by its own fresh
`python -m kneeguard.cli import PATH --json` into an empty data folder; the
child's peak resident memory comes from the kernel (`os.wait4` rusage), so it
counts the interpreter, the libraries and the import itself.

`--generate DIR` first writes the hostile and large inputs there and measures them:
  * large.gpx      - a valid GPX run of N track points (default 600,000, ~54 MB)
                     with elevation and time;
  * large.gpx.gz   - the same, gzipped;
  * bomb.gpx.gz    - 2 GB of zeros gzipped (~2 MB): must stop at the cap;
  * bomb.zip       - a zip whose one member inflates to 2 GB;
  * bomb-nested.zip - a zip holding that zip.
The target is < 500 MB for every input. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 500
BOMB_BYTES = 2 * 1024**3
CHUNK = 16 * 1024 * 1024


def write_large_gpx(path: Path, points: int) -> Path:
    """A plausible 600k-point run (~54 MB): small steps, 1 s apart, with elevation."""
    start = dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.timezone.utc)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<gpx version="1.1" creator="bench_memory" xmlns="http://www.topografix.com/GPX/1/1" '
                  'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
                  "<trk><name>Long run</name><type>running</type><trkseg>\n")
        for i in range(points):
            stamp = (start + dt.timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(f'<trkpt lat="{47.0 + i * 7e-6:.7f}" lon="{8.0 + i * 3e-6:.7f}">'
                      f"<ele>{400 + (i % 300) * 0.1:.1f}</ele><time>{stamp}</time></trkpt>\n")
        out.write("</trkseg></trk></gpx>\n")
    return path


def write_gzip_bomb(path: Path, size: int = BOMB_BYTES) -> Path:
    zeros = bytes(CHUNK)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(size // CHUNK):
            out.write(zeros)
    return path


def write_zip_bomb(path: Path, size: int = BOMB_BYTES) -> Path:
    zeros = bytes(CHUNK)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("activity.gpx", "w", force_zip64=True) as member:
            for _ in range(size // CHUNK):
                member.write(zeros)
    return path


def generate(folder: Path, points: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    large = write_large_gpx(folder / "large.gpx", points)
    with large.open("rb") as src, gzip.open(folder / "large.gpx.gz", "wb") as dst:
        while block := src.read(CHUNK):
            dst.write(block)
    zip_bomb = write_zip_bomb(folder / "bomb.zip")
    with zipfile.ZipFile(folder / "bomb-nested.zip", "w", zipfile.ZIP_STORED) as outer:
        outer.write(zip_bomb, "inner.zip")
    return [large, folder / "large.gpx.gz", write_gzip_bomb(folder / "bomb.gpx.gz"), zip_bomb,
            folder / "bomb-nested.zip"]


def measure(path: Path) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, outcome) of one fresh import process."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "KNEEGUARD_HOME": home}
        env.pop("KNEEGUARD_DB", None)
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "kneeguard.cli", "import", str(path), "--json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        output = child.stdout.read()
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        seconds = time.perf_counter() - started
    try:
        rows = json.loads(output)
        outcome = "; ".join(f"{r['status']}" + (f" ({r['error']})" if r["error"] else "") for r in rows)
    except (ValueError, KeyError, TypeError):
        outcome = "no JSON output (crashed?)"
    return usage.ru_maxrss / 1024, seconds, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--generate", type=Path, help="write the large GPX and the bombs here and measure them")
    parser.add_argument("--points", type=int, default=600_000)
    args = parser.parse_args(argv)
    paths = list(args.paths)
    if args.generate:
        paths += generate(args.generate, args.points)
    if not paths:
        parser.error("give PATHs or --generate DIR")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"\n| input | size MB | peak RSS MB | < {TARGET_MB} MB | s | outcome |\n|---|---:|---:|---|---:|---|")
    worst = 0.0
    for path in paths:
        peak, seconds, outcome = measure(path)
        worst = max(worst, peak)
        size = path.stat().st_size / 1e6 if path.is_file() else float("nan")
        print(f"| {path.name} | {size:.1f} | {peak:.0f} | {'yes' if peak < TARGET_MB else 'NO'} | "
              f"{seconds:.1f} | {outcome[:90]} |", flush=True)
    return 0 if worst < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
