"""The batch progress bar: done / total, elapsed, time left (Rich, on stderr)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def batch_progress(label: str, total: int, show: bool) -> Iterator[Callable[[], None]]:
    """Yields `advance()`; nothing is drawn when `show` is false (JSON output, tests)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
    )

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                        console=Console(stderr=True), disable=not show)
    with progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)
