"""Check-ins and gait sessions in the database (SQLite, and PostgreSQL when configured)."""
from __future__ import annotations

import datetime as dt
import math

import pytest
from alembic import command
from sqlalchemy import func, inspect, select

from kneeguard.store import UnknownAthlete, athletes, db, records
from kneeguard.store.models import Checkin, GaitSession
from tests.test_store_support import at

CHECKIN = {
    "date": "2026-03-02",
    "answers": {"has_pain": True, "pain_now": 3, "location": ["calf", "hamstring"], "age": 34.5,
                "note": "Zürich – knee ache 🏃", "sex": None, "nested": {"z": 1, "a": [1.1, {"b": False}]}},
    "level": "routine",
}
SUMMARY = {
    "athlete": "ana", "recorded_at": "2026-03-02T10:00:00+01:00", "source": "run.mp4", "video": None,
    "view": "side",
    "summary": {"n_steps": 8, "cadence_spm": 168.33333333333334, "contact_time_ms": 240.0,
                "left": {"contact_time_ms": 238.0}, "right": {"contact_time_ms": 242.0}, "overstride_cm": None},
    "findings": [], "warnings": ["low light"], "big": 2**53 + 1, "tiny": 1e-300,
}


def test_checkin_round_trip_is_exact(store):
    with store.write() as s:
        new_id = records.save_checkin(s, "ana", CHECKIN, at(2026, 3, 2, 9))
    with store.session() as s:
        (row,) = records.list_checkins(s, "ana")
    assert row["id"] == new_id and row["athlete"] == "ana"
    assert row["recorded_at"] == at(2026, 3, 2, 9)
    assert row["record"] == CHECKIN
    assert list(row["record"]["answers"]) == list(CHECKIN["answers"])  # key order kept too
    assert list(row["record"]["answers"]["nested"]) == ["z", "a"]


def test_gait_round_trip_is_exact_and_by_id(store):
    with store.write() as s:
        new_id = records.save_gait_session(s, "ana", SUMMARY, at(2026, 3, 2, 9), "run.mp4")
    with store.session() as s:
        (listed,) = records.list_gait_sessions(s, "ana")
        by_id = records.get_gait_session(s, new_id)
    assert listed == by_id
    assert by_id["summary"] == SUMMARY and list(by_id["summary"]) == list(SUMMARY)
    assert by_id["source"] == "run.mp4" and by_id["athlete"] == "ana"
    assert by_id["recorded_at"] == at(2026, 3, 2, 9)


def test_oldest_first_whatever_the_save_order(store):
    times = [at(2026, 3, 9), at(2026, 3, 1), at(2026, 3, 5), at(2026, 3, 5)]
    with store.write() as s:
        for n, when in enumerate(times):
            records.save_checkin(s, "ana", {**CHECKIN, "n": n}, when)
            records.save_gait_session(s, "ana", {**SUMMARY, "n": n}, when, f"v{n}.mp4")
    with store.session() as s:
        checkins = records.list_checkins(s, "ana")
        gait = records.list_gait_sessions(s, "ana")
    # Equal times keep save order (id breaks the tie).
    assert [c["record"]["n"] for c in checkins] == [1, 2, 3, 0]
    assert [g["summary"]["n"] for g in gait] == [1, 2, 3, 0]
    assert [g["recorded_at"] for g in gait] == sorted(times)


def test_athletes_are_isolated_and_found_by_name_or_id(store):
    with store.write() as s:
        records.save_checkin(s, "ana", {**CHECKIN, "who": "ana"}, at(2026, 3, 1))
        records.save_checkin(s, "bo", {**CHECKIN, "who": "bo"}, at(2026, 3, 2))
        records.save_gait_session(s, "bo", SUMMARY, at(2026, 3, 2), "bo.mp4")
        bo_id = athletes.get(s, "bo").id
        records.save_checkin(s, bo_id, {**CHECKIN, "who": "bo"}, at(2026, 3, 3))
    with store.session() as s:
        assert [c["record"]["who"] for c in records.list_checkins(s, "ana")] == ["ana"]
        assert [c["record"]["who"] for c in records.list_checkins(s, bo_id)] == ["bo", "bo"]
        assert records.list_gait_sessions(s, "ana") == []
        assert [g["source"] for g in records.list_gait_sessions(s, "bo")] == ["bo.mp4"]
        assert athletes.list_names(s) == ["ana", "bo"]  # saving by name created them


def test_reads_need_an_existing_athlete_and_session(store):
    with store.session() as s:
        with pytest.raises(UnknownAthlete):
            records.list_checkins(s, "nobody")
        with pytest.raises(UnknownAthlete):
            records.list_gait_sessions(s, "nobody")
        with pytest.raises(records.UnknownGaitSession, match="no gait session with id 999"):
            records.get_gait_session(s, 999)
    with pytest.raises(UnknownAthlete):
        with store.write() as s:
            records.save_checkin(s, 12345, CHECKIN, at(2026, 3, 1))  # an id is never created


def test_recorded_at_defaults_to_now_and_must_be_aware(store):
    with store.write() as s:
        records.save_gait_session(s, "ana", SUMMARY, source="x")
    with store.session() as s:
        (row,) = records.list_gait_sessions(s, "ana")
    assert abs(row["recorded_at"] - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
    with pytest.raises(Exception, match="naive datetime"):
        with store.write() as s:
            records.save_checkin(s, "ana", CHECKIN, dt.datetime(2026, 3, 1, 9))


def test_documents_are_stored_in_their_json_form(store):
    with store.write() as s:
        records.save_checkin(s, "ana", {"pair": (1, 2), 7: "seven"}, at(2026, 3, 1))
        with pytest.raises(ValueError, match="not storable as JSON"):
            records.save_gait_session(s, "ana", {"cadence_spm": math.nan}, at(2026, 3, 1), "x")
        with pytest.raises(TypeError, match="not storable as JSON"):
            records.save_gait_session(s, "ana", {"when": dt.date(2026, 3, 1)}, at(2026, 3, 1), "x")
        with pytest.raises(TypeError, match="must be a dict"):
            records.save_checkin(s, "ana", ["not", "a", "dict"], at(2026, 3, 1))
    with store.session() as s:
        assert [c["record"] for c in records.list_checkins(s, "ana")] == [{"pair": [1, 2], "7": "seven"}]


def test_deleting_an_athlete_removes_their_records(store):
    with store.write() as s:
        records.save_checkin(s, "ana", CHECKIN, at(2026, 3, 1))
        records.save_gait_session(s, "ana", SUMMARY, at(2026, 3, 1), "x")
    with store.write() as s:
        s.delete(athletes.get(s, "ana"))
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Checkin)) == 0
        assert s.scalar(select(func.count()).select_from(GaitSession)) == 0


def test_migration_0002_downgrades_and_upgrades(store):
    assert db.current_revision(store.engine) == db.head_revision()
    with store.engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0001")
    tables = set(inspect(store.engine).get_table_names())
    assert "checkins" not in tables and "gait_sessions" not in tables and "athletes" in tables
    db.migrate(store.engine)
    assert {"checkins", "gait_sessions"} <= set(inspect(store.engine).get_table_names())


def test_migration_0003_downgrades_and_upgrades(store):
    web_tables = {"users", "user_athletes", "athlete_notes", "jobs", "plan_completions"}
    assert web_tables <= set(inspect(store.engine).get_table_names())
    with store.engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0002")
    assert not web_tables & set(inspect(store.engine).get_table_names())
    db.migrate(store.engine)
    assert web_tables <= set(inspect(store.engine).get_table_names())
