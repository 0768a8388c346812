"""Correcting an activity (sport, title, shoe, exclude from analysis): the store, migration 0006, the
web routes, and the analyses that must follow (load analysis, dashboard, shoe mileage)."""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest
from sqlalchemy import text

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

from kneeguard.errors import InvalidInput
from kneeguard.ingest.sources import iter_sources
from kneeguard.load import analyze_load
from kneeguard.store import db, open_store, shoes
from kneeguard.store.activity_edits import ActivityEdit, edit_activity, sport_choices
from kneeguard.store.errors import UnknownActivity, UnknownShoe
from kneeguard.store.importer import import_sources
from kneeguard.store.queries import list_activities, load_inputs
from kneeguard.web import create_app

DATA = Path(__file__).parent / "data" / "activities"
RUN_FIT = DATA / "fitparse" / "2013-02-06-12-11-14.fit"  # a 4.8 km run with heart rate and GPS
UNKNOWN_GPX = DATA / "gpxpy" / "cerknicko-jezero.gpx"  # a 4.6 km track whose file names no sport
RIDE_GPX = DATA / "sweatpy" / "activity_5039744860.gpx"  # one ride twice: the GPX, then the richer FIT
RIDE_FIT = DATA / "sweatpy" / "2020-06-01-16-52-40.fit"
AS_OF = dt.date(2013, 2, 20)


def _import(store, *paths, athlete="me"):
    return import_sources(store, iter_sources(list(paths)), athlete=athlete)


def _only(store, athlete="me") -> dict:
    with store.session() as s:
        [row] = list_activities(s, athlete)
    return row


def _edit(store, activity_id, athlete="me", **changes):
    row = _only(store, athlete)
    edit = ActivityEdit(sport=changes.get("sport", row["sport"]), title=changes.get("title", row["title"]),
                        shoe=changes.get("shoe"), excluded=changes.get("excluded", row["excluded"]))
    with store.write() as s:
        edit_activity(s, athlete, activity_id, edit)


def _run_km(store, as_of: dt.date, athlete="me") -> float:
    with store.session() as s:
        profile, frame, shoe_list = load_inputs(s, athlete, as_of)
    report = analyze_load(frame, profile, as_of, shoe_list)
    return float(report.runs["distance_m"].sum() / 1000) if len(report.runs) else 0.0


# ---------------------------------------------------------------- store and migration
def test_0006_adds_the_columns_to_stored_activities_and_goes_back(tmp_path):
    from alembic import command

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(db._alembic_config(conn), "0005")
            conn.execute(text("INSERT INTO athletes (name, created_at) VALUES ('ana', '2026-03-01 10:00:00')"))
            conn.execute(text(
                "INSERT INTO activities (athlete_id, sport, sub_sport, start_utc, device, name, gear, source_name, "
                "content_hash, session_index, imported_at, warnings) VALUES (1, 'running', '', "
                "'2026-03-02 07:00:00', '', '', '', 'run.fit', :h, 0, '2026-03-02 08:00:00', '[]')"), {"h": "a" * 64})
        db.migrate(engine)
        assert db.current_revision(engine) == db.head_revision()  # 0006 and any later revision
        with engine.connect() as conn:
            assert tuple(conn.execute(text("SELECT excluded, edited_at FROM activities")).one()) == (0, None)
        with engine.begin() as conn:
            command.downgrade(db._alembic_config(conn), "0005")
            columns = [r[1] for r in conn.execute(text("PRAGMA table_info(activities)"))]
        assert "excluded" not in columns and "edited_at" not in columns
    finally:
        engine.dispose()


def test_edit_sets_sport_title_shoe_and_exclusion(store):
    _import(store, RUN_FIT)
    with store.write() as s:
        shoes.add(s, "me", "Pegasus")
    activity_id = _only(store)["id"]
    _edit(store, activity_id, sport="walking", title="  Walk\nwith the dog ", shoe="Pegasus", excluded=True)
    row = _only(store)
    assert (row["sport"], row["title"], row["shoe"], row["shoe_explicit"], row["excluded"]) == \
        ("walking", "Walk with the dog", "Pegasus", True, True)
    assert row["edited_at"] is not None
    _edit(store, activity_id, shoe=None, excluded=False)  # back to the shoe rules (no default: none)
    assert _only(store)["shoe"] is None and not _only(store)["excluded"]


def test_edit_refuses_what_it_cannot_keep(store):
    _import(store, RUN_FIT)
    activity_id = _only(store)["id"]
    with pytest.raises(InvalidInput, match="unknown sport"):
        _edit(store, activity_id, sport="quidditch")
    with pytest.raises(InvalidInput, match="at most 200"):
        _edit(store, activity_id, title="x" * 201)
    with pytest.raises(UnknownShoe):
        _edit(store, activity_id, shoe="Nope")
    with pytest.raises(UnknownActivity):
        _edit(store, activity_id + 99)
    with store.write() as s:  # another athlete's activity reads as missing
        from kneeguard.store import athletes

        athletes.get_or_create(s, "other")
    with store.write() as s, pytest.raises(UnknownActivity):
        edit_activity(s, "other", activity_id, ActivityEdit("running", "", None, True))
    assert not _only(store)["excluded"]


def test_sport_choices_keep_an_uncorrected_unknown():
    assert "running" in sport_choices("unknown") and "unknown" in sport_choices("unknown")
    assert sport_choices("running").count("running") == 1


# ---------------------------------------------------------------- the analyses follow
def test_excluding_a_run_takes_it_out_of_load_analysis_and_shoe_mileage(store):
    _import(store, RUN_FIT)
    with store.write() as s:
        shoes.add(s, "me", "Pegasus")
    activity_id = _only(store)["id"]
    _edit(store, activity_id, shoe="Pegasus")
    assert _run_km(store, AS_OF) == pytest.approx(4.835, abs=0.01)
    with store.session() as s:
        assert shoes.list_shoes(s, "me")[0].distance_km == pytest.approx(4.835, abs=0.01)
    _edit(store, activity_id, shoe="Pegasus", excluded=True)
    assert _run_km(store, AS_OF) == 0.0
    with store.session() as s:
        assert shoes.list_shoes(s, "me")[0].distance_km == 0.0
        assert list_activities(s, "me", analysed_only=True) == []
        assert len(list_activities(s, "me")) == 1  # still listed, to be included again
    _edit(store, activity_id, excluded=False)
    assert _run_km(store, AS_OF) == pytest.approx(4.835, abs=0.01)


def test_a_gpx_without_sport_counts_as_a_run_once_corrected(store):
    _import(store, UNKNOWN_GPX)
    row = _only(store)
    assert row["sport"] == "unknown"
    as_of = dt.date.fromisoformat(row["start"][:10]) + dt.timedelta(days=3)
    assert _run_km(store, as_of) == 0.0  # not a run for the load analysis
    _edit(store, row["id"], sport="running")
    assert _run_km(store, as_of) == pytest.approx(4.58, abs=0.05)


def test_reimport_keeps_the_corrections(store):
    _import(store, UNKNOWN_GPX)
    row = _only(store)
    _edit(store, row["id"], sport="running", title="Lake loop", excluded=True)
    [again] = _import(store, UNKNOWN_GPX)  # the same file: recognised by its hash
    assert again.status == "duplicate"
    row = _only(store)
    assert (row["sport"], row["title"], row["excluded"]) == ("running", "Lake loop", True)


def test_a_richer_copy_replaces_the_row_but_keeps_the_corrections(store):
    _import(store, RIDE_GPX)
    row = _only(store)
    _edit(store, row["id"], sport="other", title="Commute, wrong clock", excluded=True)
    [outcome] = _import(store, RIDE_FIT)
    assert outcome.status == "imported" and "replaced it with the richer copy" in " ".join(outcome.warnings)
    after = _only(store)
    assert after["id"] == row["id"] and after["device"] != row["device"]  # the FIT's row, in place
    assert (after["sport"], after["title"], after["excluded"]) == ("other", "Commute, wrong clock", True)


# ---------------------------------------------------------------- web routes
@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(home=tmp_path / "home"), follow_redirects=False) as c:
        yield c


def _upload(client, path: Path, name: str | None = None):
    r = client.post("/import", files=[("files", (name or path.name, path.read_bytes(), "application/octet-stream"))])
    assert r.status_code == 200 and "imported" in r.text, r.text[:500]


def test_edit_route_saves_and_the_load_page_follows(client):
    _upload(client, RUN_FIT, "run.fit")
    client.post("/shoes", data={"name": "Pegasus"})
    r = client.post("/activities/1/edit", data={"sport": "running", "title": "Tempo <b>run</b>", "shoe": "Pegasus",
                                                "excluded": "1"})
    assert r.status_code == 303 and r.headers["location"] == "/activities/1?saved=1"
    page = client.get("/activities/1?saved=1").text
    assert "Laps <small>as the device recorded them" in page and page.count("1.00 km") == 4
    assert "Saved." in page and "Tempo &lt;b&gt;run&lt;/b&gt;" in page and 'id="excluded-note"' in page
    assert '<option value="Pegasus" selected>' in page and 'name="excluded" value="1" checked' in page
    listing = client.get("/activities").text
    assert "excluded</span>" in listing and "Tempo &lt;b&gt;run" in listing
    with client.app.state.store.session() as s:
        profile, frame, _ = load_inputs(s, "me", AS_OF)
    assert frame.empty


def test_edit_route_answers_bad_input_clearly(client):
    _upload(client, RUN_FIT)
    bad = client.post("/activities/1/edit", data={"sport": "quidditch"})
    assert bad.status_code == 400 and "unknown sport" in bad.text and 'id="edit-form"' in bad.text
    assert client.post("/activities/1/edit", data={"sport": "running", "shoe": "Nope"}).status_code == 404
    assert client.post("/activities/99/edit", data={"sport": "running"}).status_code == 404


def test_the_gpx_sport_is_set_from_the_page(client):
    _upload(client, UNKNOWN_GPX)
    page = client.get("/activities/1").text
    assert '<option value="unknown" selected>unknown (not in the file)</option>' in page
    assert client.post("/activities/1/edit", data={"sport": "running", "title": ""}).status_code == 303
    page = client.get("/activities/1").text
    assert '<option value="running" selected>' in page and "Pace" in page and "/km" in page
    assert "Splits <small>per kilometre" in page  # a GPX has no laps: splits from its distance stream


def test_the_page_names_the_uploaded_file_never_a_server_path(client, tmp_path):
    _upload(client, RUN_FIT, "Morning Run.fit")
    page = client.get("/activities/1").text
    assert '<dd class="wrap" id="source-file">Morning Run.fit</dd>' in page
    home = str(client.app.state.store.home)
    assert home not in page and "/jobs/" not in page and str(tmp_path) not in page
    with client.app.state.store.session() as s:
        assert list_activities(s, "me")[0]["source"] == "Morning Run.fit"  # stored so, not only shown


def test_the_dashboard_leaves_excluded_activities_out(client):
    _upload(client, RUN_FIT)
    assert "2013-02-06" in client.get("/?as_of=2013-02-20").text
    client.post("/activities/1/edit", data={"sport": "running", "excluded": "1"})
    assert "2013-02-06" not in client.get("/?as_of=2013-02-20").text


def test_an_import_job_stores_the_client_names(tmp_path):
    from kneeguard.jobs.import_files import as_uploaded
    from kneeguard.ingest.sources import Source

    workdir = tmp_path / "jobs" / ("a" * 32)
    saved = {workdir / "0000_run.fit": "Run\x07 1.fit", workdir / "0001_export.zip": "export.zip"}
    sources = [Source(str(workdir / "0000_run.fit"), lambda: b""),
               Source(str(workdir / "0001_export.zip") + "!activities/9.fit.gz", lambda: b"")]
    assert [s.name for s in as_uploaded(sources, saved, workdir)] == ["Run 1.fit", "export.zip!activities/9.fit.gz"]


def test_a_new_store_is_past_0006(tmp_path):
    with open_store(home=tmp_path) as store:
        assert db.current_revision(store.engine) == db.head_revision() >= "0006"


def test_the_advice_and_report_inputs_follow_an_exclusion(store):
    from kneeguard.advice.context import gather_context

    _import(store, RUN_FIT)
    assert gather_context(store, "me", AS_OF).load_report.summary["runs_total"] == 1
    _edit(store, _only(store)["id"], excluded=True)
    report = gather_context(store, "me", AS_OF).load_report
    assert report is None or not report.summary.get("runs_total")
