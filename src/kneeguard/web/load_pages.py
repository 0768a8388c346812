"""Load: the weekly chart (uPlot, every week's numbers in its read-out; the PNG for download)
and the load findings with their sources."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response

from kneeguard.errors import InvalidInput
from kneeguard.web.common import athlete_name, parse_day, render, store_of
from kneeguard.web.load_chart import load_chart as weekly_load_chart

router = APIRouter()


def _report(request: Request, as_of: str | None):
    from kneeguard.advice.context import stored_load_report

    day = parse_day(as_of)
    return day, stored_load_report(store_of(request), athlete_name(request), day)


@router.get("/load")
def load_page(request: Request, as_of: str | None = None):
    day, report = _report(request, as_of)
    weekly = []
    for week, w in report.weekly.tail(8).iloc[::-1].iterrows():
        change = w.get("change_pct")
        weekly.append({"week": week.date() if hasattr(week, "date") else week, "km": w["distance_km"],
                       "runs": int(w["runs"]), "longest": w["longest_run_km"],
                       "change": None if change is None or pd.isna(change) else change})
    has_runs = bool(len(report.weekly)) and float(report.weekly["distance_km"].sum()) > 0
    return render(request, "load.html", day=day, report=report, weekly=weekly, has_runs=has_runs,
                  chart=weekly_load_chart(report) if has_runs else None,
                  findings=[f.to_dict() for f in report.findings], as_of=as_of or "")


@router.get("/load/chart.png")
def load_chart(request: Request, as_of: str | None = None, weeks: int = 52):
    from kneeguard.load.plot import plot_load

    if not 4 <= weeks <= 520:
        raise InvalidInput(f"weeks must be between 4 and 520, got {weeks}")
    _, report = _report(request, as_of)
    # plot_load writes a file; a private temporary folder keeps nothing behind.
    with tempfile.TemporaryDirectory(prefix="kneeguard-chart-") as tmp:
        png = plot_load(report, Path(tmp) / "load.png", weeks=weeks).read_bytes()
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
