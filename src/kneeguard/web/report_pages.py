"""Report: the clinician report as HTML (view or download) and PDF, built like `kneeguard report`."""
from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kneeguard.plan_length import DEFAULT_PLAN_WEEKS, check_plan_weeks
from kneeguard.web.common import athlete_name, parse_day, render, store_of
from kneeguard.web.security import REPORT_CONTENT_SECURITY_POLICY

REPORT_HEADERS = {"Content-Security-Policy": REPORT_CONTENT_SECURITY_POLICY}

router = APIRouter()


def _html(request: Request, as_of: str | None, weeks: int, summary_only: bool = False) -> str:
    from kneeguard.report import render_html
    from kneeguard.report.stored import build_report_from_store

    check_plan_weeks(weeks)
    doc, _advice = build_report_from_store(store_of(request), athlete_name(request), parse_day(as_of), weeks)
    return render_html(doc, summary_only=summary_only)


def _filename(request: Request, suffix: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in athlete_name(request)).strip("-") or "athlete"
    return f"kneeguard-report-{safe}{suffix}"


@router.get("/report")
def report_page(request: Request, as_of: str | None = None):
    day = parse_day(as_of)
    return render(request, "report.html", day=day, as_of=as_of or "")


@router.get("/report/view")
def report_view(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS):
    return HTMLResponse(_html(request, as_of, weeks), headers=REPORT_HEADERS)


@router.get("/report/download.html")
def report_download_html(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS,
                         summary_only: bool = False):
    name = _filename(request, "-summary.html" if summary_only else ".html")
    return HTMLResponse(_html(request, as_of, weeks, summary_only),
                        headers={**REPORT_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/report/download.pdf")
def report_download_pdf(request: Request, as_of: str | None = None, weeks: int = DEFAULT_PLAN_WEEKS,
                        summary_only: bool = False):
    from kneeguard.report.pdf import PdfEngineMissing, PdfError, write_pdf

    html = _html(request, as_of, weeks, summary_only)
    with tempfile.TemporaryDirectory(prefix="kneeguard-pdf-") as tmp:
        source, target = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        try:
            write_pdf(source, target)
        except (PdfEngineMissing, PdfError) as exc:
            return render(request, "error.html", status_code=503,
                          message=f"The PDF could not be made: {exc}. Download the HTML report and print it "
                          "from the browser instead.")
        pdf = target.read_bytes()
    name = _filename(request, "-summary.pdf" if summary_only else ".pdf")  # the two downloads kept apart
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
