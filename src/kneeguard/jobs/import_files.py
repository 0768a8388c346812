"""Job kind "import": activity files and export zips imported like `kneeguard import`, with progress.

Params: files ({name inside the job folder: the client's file name}). The result keeps
the counts and the first rows of the per-file table the import page shows.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from kneeguard.jobs.runner import JobContext

KIND = "import"
STATUSES = ("imported", "duplicate", "skipped", "error")
ROWS_KEPT = 500  # the result table a page shows; the counts cover every file


def run(ctx: JobContext) -> dict:
    from kneeguard.ingest.sources import count_sources, iter_sources
    from kneeguard.store.importer import import_sources

    files = ctx.job.params.get("files") or {}
    if not isinstance(files, dict) or any(Path(str(name)).name != name for name in files):
        raise ValueError("the job names no uploaded files")
    saved = {ctx.workdir / name: str(shown) for name, shown in files.items()}
    total = max(count_sources(list(saved)), 1)
    counts: Counter[str] = Counter()
    ctx.progress(0.0, f"importing about {total} files", force=True)

    def on_file(outcome) -> None:
        counts[outcome.status] += 1
        done = sum(counts.values())
        tally = ", ".join(f"{counts[k]} {k}" for k in STATUSES if counts[k])
        ctx.progress(min(done / total, 0.99), f"{done} of about {total} files: {tally}")

    outcomes = import_sources(ctx.store, as_uploaded(iter_sources(list(saved)), saved, ctx.workdir),
                              athlete=ctx.athlete, on_file=on_file)
    rows = outcome_rows(outcomes, saved, ctx.workdir)
    return {"counts": {k: counts[k] for k in STATUSES}, "new_activities": sum(r["activities"] for r in rows
                                                                              if r["status"] == "imported"),
            "files": len(rows), "rows": rows[:ROWS_KEPT]}


def outcome_rows(outcomes, saved: dict[Path, str], workdir: Path) -> list[dict]:
    """One row per file outcome, named as the person knows it (the page and the job share this)."""
    shown = {str(path): name for path, name in saved.items()}
    return [{"file": display_name(o.file, shown, workdir), "status": o.status, "activities": o.activities,
             "note": o.error or "; ".join(o.warnings)} for o in outcomes]


def as_uploaded(sources, saved: dict[Path, str], workdir: Path):
    """The sources named by the client's file name, not the server's temporary path: the store keeps
    the name (`Activity.source_name`), and pages show it."""
    from dataclasses import replace

    from kneeguard.text import without_control_characters

    shown = {str(path): without_control_characters(name) or path.name for path, name in saved.items()}
    for source in sources:
        yield replace(source, name=display_name(source.name, shown, workdir))


def display_name(name: str, shown: dict[str, str], workdir: Path) -> str:
    """The client's file name instead of the saved path (members of a zip keep their inner path)."""
    for path, original in shown.items():
        if name == path:
            return original
        if name.startswith(path):
            return original + name[len(path):]
    return name.replace(str(workdir), "").lstrip("/\\")
