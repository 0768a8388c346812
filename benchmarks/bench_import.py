"""`kneeguard import` end to end, as users run it, against fitdecode's lean decode of the same files.

    python benchmarks/bench_import.py [PATH ...] [--rounds R] [--history N] [--skip-history]

PATHs are folders (searched for *.fit) or FIT files (default: tests/data/activities).
Two cases: the corpus as given, and a history of at least N files (default 1,000): copies
of the corpus with every FIT date_time value moved on by whole weeks per copy (a multiple
of 32 s, so compressed timestamps stay valid), so that each copy is a new file and a new
activity. The file CRC is left as it is (neither decoder checks it).

Every timing is one fresh process, wall time from spawn to exit, with its CPU time and
peak resident memory (the kernel's rusage of that child):
  * fitdecode: `python -c` iterating every frame of every file with kneeguard's lean
    settings (no data processor, CRC off, errors ignored) - the reference;
  * kneeguard (fitdecode path): `kneeguard import DIR` with KNEEGUARD_FIT_DECODER=fitdecode;
  * kneeguard: `kneeguard import DIR` as shipped (fast FIT path where it agrees);
  * kneeguard, existing store: the same into a data folder whose store was created (and migrated) beforehand,
    untimed - what every import after a person's first costs (the first also creates the schema).
Each kneeguard run imports into a fresh data folder. Variants are interleaved within each
round, in an order that rotates between rounds; the machine's load average is printed
beside every round. Report ratios (same round), not absolute seconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEEK_S = 7 * 86400  # a multiple of 32 s
LEAN_DECODE = """
import sys, pathlib, fitdecode
frames = 0
for path in sorted(pathlib.Path(sys.argv[1]).rglob('*.fit')):
    try:
        with fitdecode.FitReader(str(path), processor=None, check_crc=fitdecode.CrcCheck.DISABLED,
                                 error_handling=fitdecode.ErrorHandling.IGNORE) as reader:
            for _ in reader:
                frames += 1
    except Exception:
        pass  # a broken file costs its decode time up to the damage, as in kneeguard
print(frames)
"""
CREATE_STORE = "import sys; from kneeguard.store import open_store; open_store(home=sys.argv[1]).close()"


def fit_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.fit")) if path.is_dir() else [path])
    return found


def date_time_offsets(data: bytes) -> list[tuple[int, str]]:
    """(byte offset, byte order) of every uint32 date_time value fitdecode decodes before any damage."""
    import fitdecode

    found = []
    reader = fitdecode.FitReader(data, processor=None, keep_raw_chunks=True,
                                 check_crc=fitdecode.CrcCheck.DISABLED,
                                 error_handling=fitdecode.ErrorHandling.IGNORE)
    try:
        for frame in reader:
            if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                continue
            offset = frame.chunk.offset + 1
            for field_def in frame.def_mesg.all_field_defs:
                field = getattr(field_def, "field", None)
                kind = getattr(getattr(field, "type", None), "name", None)
                if kind in ("date_time", "local_date_time") and field_def.size == 4 \
                        and not getattr(field_def, "is_dev", False):
                    found.append((offset, "<" if frame.def_mesg.endian == "<" else ">"))
                offset += field_def.size
    except Exception:  # noqa: BLE001 - damaged files: shift what was decoded
        pass
    return found


def write_history(files: list[Path], target: Path, count: int) -> int:
    import numpy as np

    target.mkdir(parents=True)
    copies = -(-count // len(files))
    for path in files:
        data = path.read_bytes()
        where = date_time_offsets(data)
        for copy in range(copies):
            edited = bytearray(data)
            for offset, order in where:
                value = np.frombuffer(data, dtype=f"{order}u4", count=1, offset=offset)[0]
                if value not in (0, 0xFFFFFFFF):
                    edited[offset:offset + 4] = int(value + copy * WEEK_S).to_bytes(
                        4, "little" if order == "<" else "big")
            (target / f"{copy:03d}-{path.parent.name}-{path.name}").write_bytes(bytes(edited))
    return copies * len(files)


def timed(command: list[str], env: dict) -> dict:
    # Output goes to files, not pipes: the JSON of a 1,000-file import is more than a pipe holds, and the
    # child would block writing it while this process waits for it to exit.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
                "rc": process.returncode, "out": out.read().decode(), "err": err.read().decode()}


def variants(folder: Path, scratch: Path) -> dict:
    kneeguard = [sys.executable, "-m", "kneeguard.cli", "import", str(folder), "--json"]
    base = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    base.pop("KNEEGUARD_DB", None)

    def import_with(decoder: str, existing_store: bool = False):
        def run() -> dict:
            home = Path(tempfile.mkdtemp(dir=scratch))
            try:
                if existing_store:  # created and migrated beforehand, untimed: every import after the first
                    subprocess.run([sys.executable, "-c", CREATE_STORE, str(home)], env=base, check=True)
                return timed(kneeguard + ["--home", str(home)], dict(base, KNEEGUARD_FIT_DECODER=decoder))
            finally:
                shutil.rmtree(home, ignore_errors=True)
        return run

    return {
        "fitdecode lean decode": lambda: timed([sys.executable, "-c", LEAN_DECODE, str(folder)], base),
        "kneeguard import, fitdecode path": import_with("fitdecode"),
        "kneeguard import": import_with(""),
        "kneeguard import, existing store": import_with("", existing_store=True),
    }


def run_case(name: str, folder: Path, scratch: Path, rounds: int, skip: set[str]) -> None:
    files = fit_files([folder])
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    print(f"\n### {name}: {len(files)} FIT files, {megabytes:.1f} MB")
    runs = {k: v for k, v in variants(folder, scratch).items() if k not in skip}
    results: dict[str, list[dict]] = {k: [] for k in runs}
    names = list(runs)
    for round_index in range(rounds):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        load = open("/proc/loadavg").read().split()[:3]
        cells = []
        for key in order:
            result = runs[key]()
            if result["rc"] not in (0, 1):  # 1: some file failed, as the corpus's broken files do
                raise SystemExit(f"{key} failed ({result['rc']}): {result['err'][-2000:]}")
            results[key].append(result)
            cells.append(f"{key} {result['wall']:.2f}s")
        fast = results["kneeguard import"][-1]["wall"]
        ratio = results["fitdecode lean decode"][-1]["wall"] / fast if "fitdecode lean decode" in results else 0
        print(f"round {round_index + 1} (load {' '.join(load)}): {'; '.join(cells)}; ratio {ratio:.1f}x")
    print("\n| variant | wall median s | wall min-max s | CPU median s | peak RSS MB | "
          "fitdecode / variant (median of per-round ratios) |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, values in results.items():
        walls = [r["wall"] for r in values]
        ratios = ([a["wall"] / b["wall"] for a, b in zip(results["fitdecode lean decode"], values)]
                  if "fitdecode lean decode" in results else [])
        ratio = f"{statistics.median(ratios):.1f}x ({min(ratios):.1f}-{max(ratios):.1f})" if ratios else "-"
        print(f"| {key} | {statistics.median(walls):.2f} | {min(walls):.2f}-{max(walls):.2f} | "
              f"{statistics.median(r['cpu'] for r in values):.2f} | {max(r['rss_mb'] for r in values):.0f} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "data" / "activities"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--history", type=int, default=1000, help="files in the history case")
    parser.add_argument("--skip-history", action="store_true")
    parser.add_argument("--history-without-fitdecode-import", action="store_true",
                        help="history: leave out the slow 'kneeguard import, fitdecode path' variant")
    args = parser.parse_args()

    files = fit_files(args.paths)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; load average {open('/proc/loadavg').read().strip()}")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        corpus = scratch / "corpus"
        corpus.mkdir()
        for index, path in enumerate(files):
            shutil.copyfile(path, corpus / f"{index:03d}-{path.name}")
        run_case("corpus", corpus, scratch, args.rounds, set())
        if not args.skip_history:
            count = write_history(files, scratch / "history", args.history)
            skip = {"kneeguard import, fitdecode path"} if args.history_without_fitdecode_import else set()
            run_case(f"history ({count} files)", scratch / "history", scratch, args.rounds, skip)


if __name__ == "__main__":
    main()
