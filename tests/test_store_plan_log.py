"""Plan sessions ticked off (with pain during and the next morning), and gait sessions looked up within one athlete."""
from __future__ import annotations

import datetime as dt

import pytest

from kneeguard.store import plan_log, records

DAY = dt.date(2026, 3, 2)


@pytest.fixture()
def store(two_athletes):  # SQLite, and PostgreSQL when KNEEGUARD_TEST_PG_URL is set
    return two_athletes


def test_tick_update_and_undo(store):
    with store.write() as s:
        plan_log.mark_done(s, "ana", DAY, "run", pain_during=3)
        plan_log.mark_done(s, "ana", DAY, "strength")
    with store.write() as s:
        plan_log.mark_done(s, "ana", DAY, "run", pain_during=5)  # ticking again updates the pain
        tick = plan_log.mark_done(s, "ana", DAY, "run", pain_morning=1)  # the morning after: during is kept
        assert (tick.pain_during, tick.pain_morning) == (5, 1)
    with store.session() as s:
        ticks = plan_log.completions(s, "ana", DAY, DAY)
        assert {k: (v.pain_during, v.pain_morning) for k, v in ticks.items()} == {
            (DAY, "run"): (5, 1), (DAY, "strength"): (None, None)}
        assert plan_log.completions(s, "bob") == {}
        assert [t.session_key for t in plan_log.recent(s, "ana")] in (["run", "strength"], ["strength", "run"])
        assert plan_log.completions(s, "ana", DAY + dt.timedelta(days=1)) == {}
    with store.write() as s:
        assert plan_log.unmark(s, "ana", DAY, "run") is True
        assert plan_log.unmark(s, "ana", DAY, "run") is False
    with store.session() as s:
        assert list(plan_log.completions(s, "ana")) == [(DAY, "strength")]


@pytest.mark.parametrize("field", ["pain_during", "pain_morning"])
@pytest.mark.parametrize("pain", [-1, 11, 2.5, True, "3"])
def test_pain_must_be_a_whole_number_0_to_10(store, pain, field):
    with pytest.raises(ValueError, match="pain"), store.write() as s:
        plan_log.mark_done(s, "ana", DAY, "run", **{field: pain})


def test_session_key_is_checked(store):
    with pytest.raises(ValueError), store.write() as s:
        plan_log.mark_done(s, "ana", DAY, "   ")
    with pytest.raises(ValueError), store.write() as s:
        plan_log.mark_done(s, "ana", DAY, "x" * 81)


def test_gait_session_lookup_within_an_athlete(store):
    with store.write() as s:
        mine = records.save_gait_session(s, "ana", {"n_steps": 10})
    with store.session() as s:
        assert records.get_gait_session(s, mine, athlete="ana")["id"] == mine
        assert records.get_gait_session(s, mine)["athlete"] == "ana"
        for other in ("bob", "nobody", 999):
            with pytest.raises(records.UnknownGaitSession):
                records.get_gait_session(s, mine, athlete=other)
