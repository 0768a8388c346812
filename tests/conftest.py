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
