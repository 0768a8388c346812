"""The charting library is vendored unmodified from the npm registry, with its licence, and
served by the app itself (no CDN: the web app works offline)."""
from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import kneeguard.web as web_pkg
from kneeguard.web import create_app

VENDOR = Path(web_pkg.__file__).parent / "static" / "vendor" / "uplot"
VERSION = "1.6.32"
FILES = ("uPlot.iife.min.js", "uPlot.min.css")


def test_vendored_files_match_the_recorded_hashes_and_version():
    readme = (VENDOR / "README.md").read_text()
    assert f"uPlot {VERSION}" in readme
    assert "MIT" in (VENDOR / "LICENSE").read_text()
    for name in FILES:
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert re.search(rf"{digest}\s+{re.escape(name)}", readme), name


@pytest.mark.parametrize("name", FILES)
def test_the_app_serves_the_library_itself(tmp_path, name):
    app = create_app(home=tmp_path / "home", background_jobs=False)
    with TestClient(app) as client:
        response = client.get(f"/static/vendor/uplot/{name}")
    assert response.status_code == 200
    assert response.content == (VENDOR / name).read_bytes()
