"""HTML report -> PDF. WeasyPrint first (a maintained Python library, no browser);
headless Chromium's --print-to-pdf as the fallback when WeasyPrint or its system
libraries (Pango) are missing.

Neither route may touch the network: WeasyPrint gets a URL fetcher that serves
data: URIs only, and Chromium runs with background networking disabled on a
local file.
"""
from __future__ import annotations

import os
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
    weasyprint.HTML(string=text, url_fetcher=data_only).write_pdf(tmp)
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
