"""The dashboard's advice cache: computed once per key, even when many requests miss at the same time."""
from __future__ import annotations

import datetime as dt
import threading
import time
from types import SimpleNamespace

import pytest

from kneeguard.web import advice_view


@pytest.fixture()
def fake_parts(monkeypatch):
    calls = []

    def gather_context(store, name, day):
        calls.append(name)
        time.sleep(0.2)  # long enough for every other request to arrive while it runs
        return name

    import kneeguard.advice.context as context
    import kneeguard.advice.engine as engine

    monkeypatch.setattr(context, "gather_context", gather_context)
    monkeypatch.setattr(engine, "advise", lambda ctx, weeks: f"advice for {ctx}")
    monkeypatch.setattr(advice_view, "store_of", lambda request: "store")
    monkeypatch.setattr(advice_view, "athlete_name", lambda request: request.athlete)
    monkeypatch.setattr(advice_view, "data_fingerprint", lambda store, name: ("unchanged",))
    advice_view._cache.clear()
    yield calls
    advice_view._cache.clear()


def test_concurrent_misses_compute_the_advice_once(fake_parts):
    day, results = dt.date(2026, 1, 5), []
    threads = [threading.Thread(target=lambda: results.append(
        advice_view.advice_for(SimpleNamespace(athlete="ana"), day))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == ["advice for ana"] * 8 and fake_parts == ["ana"]
    assert advice_view.advice_for(SimpleNamespace(athlete="bob"), day) == "advice for bob"  # other key: own run
    assert fake_parts == ["ana", "bob"] and not advice_view._in_flight


def test_a_failed_computation_is_not_cached_and_frees_the_key(fake_parts, monkeypatch):
    import kneeguard.advice.engine as engine

    monkeypatch.setattr(engine, "advise", lambda ctx, weeks: (_ for _ in ()).throw(ValueError("broken")))
    with pytest.raises(ValueError, match="broken"):
        advice_view.advice_for(SimpleNamespace(athlete="ana"), dt.date(2026, 1, 5))
    assert not advice_view._cache and not advice_view._in_flight
