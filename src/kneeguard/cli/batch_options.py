"""Options shared by the `kneeguard batch` commands (cli/batch_cmd.py, cli/batch_cohort.py)."""
from __future__ import annotations

from typing import Annotated

import typer

SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", help="An existing Dask scheduler, e.g. tcp://HOST:8786 (env KNEEGUARD_DASK_SCHEDULER; "
    "default: a local cluster started here).")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", min=0, help="Local cluster size (default: one worker process per core; 0: run in this process).")]
StorageOption = Annotated[str | None, typer.Option(
    "--storage-root", help="Folder or fsspec URL for sample streams and gait outputs, shared by all workers "
    "(env KNEEGUARD_STORAGE_ROOT; default: the home).")]
