"""One watch file imported under two athletes (a coach filed one runner's run under another): the second import
says so, naming the athlete who already has it; a second copy for the same athlete stays a plain duplicate."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from kneeguard.cli import app
from tests.ingest_support import DATA

runner = CliRunner()
RUN = str(DATA / "fitparse" / "activity-small-fenix2-run.fit")


def test_the_same_file_under_a_second_athlete_is_said(tmp_path):
    home = str(tmp_path / "home")
    first = runner.invoke(app, ["import", RUN, "--athlete", "ana", "--home", home])
    assert first.exit_code == 0 and "already imported for" not in first.output
    second = runner.invoke(app, ["import", RUN, "--athlete", "ben", "--home", home, "--json"])
    assert second.exit_code == 0, second.output
    [outcome] = json.loads(second.stdout)
    assert outcome["status"] == "imported" and outcome["warnings"][0].startswith(
        "the same file is already imported for 'ana': a watch file is one person's, so check it is this athlete's")
    again = runner.invoke(app, ["import", RUN, "--athlete", "ben", "--home", home])
    assert "already imported for" not in " ".join(again.output.split())  # a re-import is a plain duplicate


def test_the_lookup_by_hash_has_its_own_index(tmp_path):
    from sqlalchemy import inspect

    from kneeguard.store import open_store

    with open_store(home=tmp_path) as store:
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(store.engine).get_indexes("imported_files")}
    assert indexes["ix_imported_files_content_hash"] == ["content_hash"]
