"""The report for one athlete straight from the store: the one path the CLI, the web app and the demo share."""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def build_report_from_store(store, athlete: str | None, day: dt.date, weeks: int = 6,
                            gait_dir: str | Path | None = None):
    """Context, advice and check-in history as of `day`, into a ReportDocument (and the Advice used)."""
    from kneeguard.advice.context import gather_context
    from kneeguard.advice.engine import advise
    from kneeguard.advice.checkins import load_checkins
    from kneeguard.report.builder import build_report

    context = gather_context(store, athlete, day)
    advice = advise(context, weeks=weeks)
    history = [r for r in load_checkins(context.athlete, store=store) if r.on_date <= day]
    return build_report(context, advice, history=history, gait_dir=gait_dir), advice
