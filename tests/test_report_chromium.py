"""The report renders in headless Chromium, is not blank, and makes no network request.

Network activity is read from Chromium's own net log (--log-net-log): every URL
request the browser made. Chromium's background services still ping Google
hosts with these flags; those are browser traffic, not the page's, and are
ignored. A control page with one external image proves the check can fail.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kneeguard.report import build_report, write_html
from kneeguard.report.pdf import chromium_args
from tests.report_fixtures import FakeContext, advice, full_context, history

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com", "googleusercontent.com")
# kept under the (git-ignored) pytest cache for a person to look at
SCREENSHOT_DIR = Path(__file__).resolve().parent.parent / ".pytest_cache" / "report-screens"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason="/usr/bin/chromium is absent: install Debian's chromium (scripts/setup.sh) for the render test",
)


def _render(html: Path, tmp: Path, name: str, size: str = "900,2400") -> tuple[Path, list[str]]:
    png, netlog = tmp / f"{name}.png", tmp / f"{name}.netlog.json"
    cmd = [str(CHROMIUM), *chromium_args(str(tmp / f"profile-{name}")), f"--window-size={size}",
           f"--log-net-log={netlog}", "--net-log-capture-mode=Default", f"--screenshot={png}", html.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert png.is_file(), f"Chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-800:]}"
    return png, _page_requests(netlog)


def _page_requests(netlog: Path) -> list[str]:
    """http(s) URLs the browser requested, minus Chromium's own background services."""
    try:
        log = json.loads(netlog.read_text("utf-8"))
    except ValueError:  # a log cut short at exit lacks its closing brackets
        text = netlog.read_text("utf-8").rstrip().rstrip(",")
        log = json.loads(text + "]}")
    urls = set()
    for event in log.get("events", []):
        url = (event.get("params") or {}).get("url", "")
        if url.startswith(("http://", "https://", "ws://", "wss://")):
            urls.add(url)
    return sorted(u for u in urls if not (urlsplit(u).hostname or "").endswith(BROWSER_HOSTS))


def _not_blank(png: Path) -> tuple[int, float]:
    from PIL import Image

    with Image.open(png) as im:
        histogram = im.convert("L").histogram()  # 256 counts of grey levels
    colours = sum(1 for count in histogram if count)
    dark = sum(histogram[:128]) / sum(histogram)
    return colours, dark


def test_report_renders_in_chromium_without_network(tmp_path):
    pytest.importorskip("PIL", reason="Pillow (a matplotlib dependency) reads the screenshot")
    html = write_html(build_report(full_context(), advice(), history=history()),
                      tmp_path / "report.html")
    png, requests = _render(html, tmp_path, "report")
    colours, dark = _not_blank(png)
    assert colours > 50 and dark > 0.01, f"screenshot looks blank ({colours} grey levels, {dark:.1%} dark)"
    assert requests == [], f"the report made network requests: {requests}"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOT_DIR / "report-top.png")

    # Control: the same check sees an external image, so an empty list above means something.
    control = tmp_path / "control.html"
    control.write_text('<html><body><p>x</p><img src="http://kneeguard-test.invalid/x.png"></body></html>')
    _, control_requests = _render(control, tmp_path, "control", size="400,300")
    assert any("kneeguard-test.invalid" in u for u in control_requests)


def test_empty_report_renders_with_text(tmp_path):
    pytest.importorskip("PIL", reason="Pillow (a matplotlib dependency) reads the screenshot")
    html = write_html(build_report(FakeContext(athlete="new runner"), None), tmp_path / "empty.html")
    png, requests = _render(html, tmp_path, "empty", size="900,1400")
    colours, dark = _not_blank(png)
    assert colours > 20 and dark > 0.005 and requests == []
