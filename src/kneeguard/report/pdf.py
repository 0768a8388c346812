"""HTML report -> PDF. WeasyPrint first (a maintained Python library, no browser);
headless Chromium's --print-to-pdf as the fallback when WeasyPrint or its system
libraries (Pango) are missing.

Neither route may touch the network: WeasyPrint gets a URL fetcher that serves
data: URIs only, and Chromium runs with background networking disabled on a
local file.

A document may carry a page limit (`<meta name="kneeguard-max-pages">`: the clinician summary's two A4 pages).
WeasyPrint then lays it out, and while it runs over, lays it out again with each of `FIT_STEPS` in turn: a
slightly smaller type and chart, never less content. A held-out case with more notes or factors than the cases
the summary was read on stays within its pages, and one that still runs over keeps the tightest layout.
Chromium (the fallback) prints the document as it is.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kneeguard.errors import InvalidInput, UserError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_TIMEOUT_S = 60
INSTALL_HINT = (
    "install WeasyPrint (`pip install weasyprint==65.1`, needs Debian's libpango-1.0-0 and libpangoft2-1.0-0) "
    "or Chromium (`apt-get install chromium`), or set KNEEGUARD_CHROMIUM to a Chrome/Chromium binary"
)


_MAX_PAGES = re.compile(r'<meta name="kneeguard-max-pages" content="(\d+)">')
# Each step a little tighter than the last: type, references, disclaimer and charts (report.css's summary sizes
# are 8.8 / 7.2 / 8.3 pt and 18 mm); the body text never below 7.9 pt, the small print 7.6 pt, references 6.6 pt.
FIT_STEPS = tuple(
    f"#header, #triage, #summary, #plan-overview, #trend, #uncertain, #summary-references, #disclaimer "
    f"{{ font-size: {body}pt; }} #summary .small, #plan-overview .small, #uncertain .small {{ font-size: {small}pt; }} "
    f".disclaimer {{ font-size: {small}pt; }} #summary-references .refs li {{ font-size: {refs}pt; }} "
    f".trend img {{ height: {chart}mm; }}"
    for body, small, refs, chart in ((8.5, 8.0, 7.0, 16), (8.2, 7.8, 6.8, 15), (7.9, 7.6, 6.6, 14)))


def page_limit(text: str) -> int | None:
    """The document's own page limit, if it states one."""
    found = _MAX_PAGES.search(text)
    return int(found.group(1)) if found else None


def fitted_layout(text: str, render):
    """`render(html)` -> a laid-out document (WeasyPrint's `Document`), tightened by `FIT_STEPS` while it runs
    over the document's page limit."""
    document, limit = render(text), page_limit(text)
    for css in FIT_STEPS if limit else ():
        if len(document.pages) <= limit:
            break
        document = render(text.replace("</head>", f"<style>{css}</style>\n</head>", 1))
    return document


class PdfEngineMissing(UserError, RuntimeError):
    """No PDF engine is installed; the message says what to install."""


class PdfError(RuntimeError):
    """The engine is there but failed on this document."""


def write_pdf(html: str | os.PathLike[str], pdf_path: str | os.PathLike[str], engine: str = "auto") -> Path:
    """Write `html` (a path to an .html file, or the HTML text itself) as a PDF.

    `engine`: "weasyprint", "chromium" or "auto" (WeasyPrint, else Chromium).
    Raises PdfEngineMissing when no engine can run.
    """
    if engine not in ("auto", "weasyprint", "chromium"):
        raise InvalidInput(f"unknown PDF engine {engine!r}: use auto, weasyprint or chromium")
    text = _html_text(html)
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    if engine in ("auto", "weasyprint"):
        try:
            return _weasyprint(text, pdf_path)
        except PdfEngineMissing:
            if engine == "weasyprint":
                raise
    return _chromium(text, pdf_path)


def _html_text(html: str | os.PathLike[str]) -> str:
    if isinstance(html, str) and html.lstrip()[:1] == "<":
        return html
    path = Path(html)
    try:
        return path.read_text("utf-8")
    except OSError as exc:
        raise FileNotFoundError(f"cannot read the HTML report {path}: {exc.strerror}") from None


def _weasyprint(text: str, pdf_path: Path) -> Path:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Python package is there but Pango is not
        raise PdfEngineMissing(f"WeasyPrint is not usable ({exc}); {INSTALL_HINT}") from None

    def data_only(url: str, *args, **kwargs):
        # The report embeds everything; refusing other URLs guarantees no network access.
        if not url.startswith("data:"):
            raise ValueError(f"external resource refused: {url}")
        return weasyprint.default_url_fetcher(url, *args, **kwargs)

    tmp = pdf_path.with_name(pdf_path.name + ".tmp")
    fitted_layout(text, lambda html: weasyprint.HTML(string=html, url_fetcher=data_only).render()).write_pdf(tmp)
    os.replace(tmp, pdf_path)
    return pdf_path


def find_chromium() -> str | None:
    """KNEEGUARD_CHROMIUM, else the first Chromium/Chrome on PATH."""
    configured = os.environ.get("KNEEGUARD_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_args(profile_dir: str) -> list[str]:
    """Flags for a headless, offline, throw-away Chromium run (shared with the screenshot test)."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--mute-audio", "--hide-scrollbars", f"--user-data-dir={profile_dir}"]


def _chromium(text: str, pdf_path: Path) -> Path:
    binary = find_chromium()
    if binary is None:
        raise PdfEngineMissing(f"no PDF engine found; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="kneeguard-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(text, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        cmd = [binary, *chromium_args(str(Path(tmp) / "profile")), "--no-pdf-header-footer",
               f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium did not finish the PDF within {CHROMIUM_TIMEOUT_S} s") from None
        if not out.is_file() or out.stat().st_size == 0:
            raise PdfError(f"Chromium wrote no PDF (exit {done.returncode}): {done.stderr.strip()[-500:]}")
        shutil.move(str(out), pdf_path)
    return pdf_path
