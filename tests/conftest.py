"""Shared test setup: every test gets its own kneeguard data folder."""
from __future__ import annotations

import pytest

# SQLite/PostgreSQL store fixtures (`store`, `store_url`) for every test module.
pytest_plugins = ["tests.test_store_support"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test may read or write the real user data folder or a configured database."""
    monkeypatch.setenv("KNEEGUARD_HOME", str(tmp_path_factory.mktemp("kneeguard-home")))
    monkeypatch.delenv("KNEEGUARD_DB", raising=False)


@pytest.fixture(scope="module")
def checkin_app():
    """A private Typer app with only `checkin`, so check-in CLI tests do not depend on the main app."""
    import typer

    from kneeguard.cli import checkin_cmd

    app = typer.Typer()
    checkin_cmd.register(app)
    app.command("noop")(lambda: None)
    return app
