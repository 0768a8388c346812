"""`kneeguard report`: the clinician report as self-contained HTML, optionally PDF."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from kneeguard.cli.common import (
    AthleteOption,
    DbOption,
    HomeOption,
    UserError,
    console,
    open_store,
    parse_date,
    require_stored_athlete,
    user_errors,
)
from kneeguard.plan_length import DEFAULT_PLAN_WEEKS, plan_weeks_bounds


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


def report_command(
    out: Annotated[Path, typer.Option("--out", help="Write the HTML report here (e.g. report.html).")],
    athlete: AthleteOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Report as of this day (YYYY-MM-DD; default today).")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write a PDF here.")] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=plan_weeks_bounds()[0], max=plan_weeks_bounds()[1],
                                       help="Weeks of plan in the report.")] = DEFAULT_PLAN_WEEKS,
    summary_only: Annotated[bool, typer.Option("--summary-only",
                                               help="Only the clinician summary (two pages), without the appendix.")] = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """A two-minute report for a physiotherapist: triage, findings with charts, the plan, references."""
    from kneeguard.report import write_html
    from kneeguard.report.stored import build_report_from_store

    with user_errors():
        if out.suffix.lower() not in (".html", ".htm"):
            raise UserError(f"--out must name an .html file, got {out}")
        if pdf is not None and pdf.suffix.lower() != ".pdf":
            raise UserError(f"--pdf must name a .pdf file, got {pdf}")
        day = parse_date(as_of, "--as-of") or dt.date.today()
        with open_store(db, home) as store:
            require_stored_athlete(store, athlete)
            doc, _advice = build_report_from_store(store, athlete, day, weeks)
        write_html(doc, out, summary_only=summary_only)
        console.print(f"report written to [bold]{out}[/]")
        if pdf is not None:
            write_report_pdf(out, pdf)
            console.print(f"PDF written to [bold]{pdf}[/]")


def write_report_pdf(html: Path, pdf: Path) -> None:
    from kneeguard.report.pdf import PdfEngineMissing, PdfError, write_pdf

    try:
        write_pdf(html, pdf)
    except (PdfEngineMissing, PdfError) as exc:
        raise UserError(f"the HTML report is written, but not the PDF: {exc}") from None
