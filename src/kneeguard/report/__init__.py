"""The clinician report: `build_report(context, advice)` -> `write_html` / `write_pdf`."""
from kneeguard.report.builder import build_report
from kneeguard.report.document import SECTION_ORDER, Chart, ReportDocument
from kneeguard.report.html import render_html, write_html
from kneeguard.report.pdf import PdfEngineMissing, write_pdf

__all__ = ["SECTION_ORDER", "Chart", "PdfEngineMissing", "ReportDocument", "build_report",
           "render_html", "write_html", "write_pdf"]
