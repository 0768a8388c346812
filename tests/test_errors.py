"""User errors are one clear line; everything else is a bug that surfaces as one (issue 11, item 4)."""
from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kneeguard.errors import InvalidInput, NotFound, UserError
from kneeguard.evidence import UnknownEvidence
from kneeguard.ingest import fit_decode
from kneeguard.ingest.model import IngestError
from kneeguard.store.errors import UnknownAthlete
from kneeguard.web import create_app

FIT = Path(__file__).parent / "data" / "activities" / "fitparse" / "2013-02-06-12-11-14.fit"


def test_the_user_errors_share_one_base_and_keep_their_builtin_kinds():
    assert issubclass(UnknownAthlete, NotFound) and issubclass(UnknownAthlete, LookupError)
    assert issubclass(IngestError, InvalidInput) and issubclass(InvalidInput, ValueError)
    assert not issubclass(UnknownEvidence, UserError)  # a missing registry key is a bug
    assert str(UnknownAthlete("no athlete called 'x'")) == "no athlete called 'x'"


def _app_with_route(tmp_path, exc: Exception):
    app = create_app(home=tmp_path / "home", background_jobs=False)

    @app.get("/boom")
    def boom():
        raise exc

    return app


@pytest.mark.parametrize("exc, status", [(InvalidInput("weeks must be 4-8"), 400), (UnknownAthlete("no athlete called ana"), 404)])
def test_web_shows_user_errors_with_their_status(tmp_path, exc, status):
    with TestClient(_app_with_route(tmp_path, exc)) as client:
        r = client.get("/boom")
    assert r.status_code == status and str(exc) in r.text


@pytest.mark.parametrize("bug", [UnknownEvidence("advice.no.such.key"), ValueError("math domain error"),
                                 KeyError("severity")])
def test_web_reports_a_bug_as_500_with_a_logged_traceback_not_as_404_or_400(tmp_path, caplog, bug):
    with TestClient(_app_with_route(tmp_path, bug), raise_server_exceptions=False) as client:
        r = client.get("/boom")
    assert r.status_code == 500
    assert "internal error" in r.text and "advice.no.such.key" not in r.text
    assert any(rec.exc_info and rec.exc_info[1] is bug for rec in caplog.records)


def _kneeguard(*args: str, env_debug: bool = False) -> subprocess.CompletedProcess:
    # A command whose code has a bug: `explain` with its lookup broken on purpose.
    code = ("import sys, kneeguard.explain as explain\n"
            "def broken(*a, **k): raise KeyError('a bug')\n"
            "explain.topic = broken\n"
            "from kneeguard.cli import main\n"
            f"sys.argv = ['kneeguard', *{list(args)!r}]\n"
            "main()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_cli_bug_is_one_line_without_debug_and_a_traceback_with_it():
    plain = _kneeguard("explain", "gait.overstride")
    assert plain.returncode == 1
    assert "internal error" in plain.stderr and "--debug" in plain.stderr and "Traceback" not in plain.stderr
    debug = _kneeguard("--debug", "explain", "gait.overstride")
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "KeyError" in debug.stderr


def test_cli_user_error_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kneeguard.cli", "load", "--athlete", "nobody", "--home",
                             str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "error:" in result.stderr and "Traceback" not in result.stderr


def test_fit_decoder_failures_are_damage_but_kneeguards_own_bugs_surface(monkeypatch):
    data = FIT.read_bytes()
    assert fit_decode.decode_with_fitdecode(data[: len(data) // 2]).error  # cut file: decoder stops, data kept

    def broken(frame):
        raise RuntimeError("bug in kneeguard's frame handling")

    monkeypatch.setattr(fit_decode, "message_fields", broken)
    with pytest.raises(RuntimeError, match="bug in kneeguard"):
        fit_decode.decode_with_fitdecode(data)
