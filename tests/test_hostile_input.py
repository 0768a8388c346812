"""No traceback for any input (issue 14, items 3 and 5): deep JSON, damaged C3D,
bad database URLs, control characters in names and labels, empty archives."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kneeguard.cli import app
from kneeguard.errors import InvalidInput
from kneeguard.gait.io.forces import read_c3d_vertical_force
from kneeguard.gait.io.mocap import read_c3d
from kneeguard.ingest.archives import NO_ACTIVITY_FILES
from kneeguard.ingest.sources import iter_sources
from kneeguard.json_input import MAX_JSON_DEPTH, nesting_depth, parse_json
from kneeguard.store import athletes, config, db
from kneeguard.text import one_line, without_control_characters

runner = CliRunner()
STATIC_C3D = Path(__file__).parent / "data" / "gait" / "fukuchi2017" / "RBDS001static.c3d"
DEEP = "[" * 100_000


def kg(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def one_error_line(result) -> str:
    """The error text with all whitespace removed: the console may wrap a long path anywhere."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    return "".join(result.output.split())


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("command", [
    ["checkin", "--answers", "{path}"],
    ["gait", "--keypoints", "{path}"],
    ["gait", "compare", "{path}", "{path}"],
])
def test_deeply_nested_json_is_one_line_on_every_command_that_reads_json(tmp_path, command):
    path = tmp_path / "deep.json"
    path.write_text(DEEP)
    text = one_error_line(kg(*[part.format(path=path) for part in command], "--home", str(tmp_path)))
    assert "deep.json" in text and squeezed(f"nested more than {MAX_JSON_DEPTH} levels") in text


def test_json_loader_counts_depth_outside_strings_and_keeps_ordinary_documents():
    assert nesting_depth(b'{"a": [[1], {"b": "[[[[[["}]}') == 3
    assert parse_json('{"a": "[[[[[[[[[[[["}', "x.json") == {"a": "[[[[[[[[[[[["}
    with pytest.raises(InvalidInput, match=r"^x.json: not a valid JSON \(Expecting"):
        parse_json(b"{nope", "x.json")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        parse_json(b'"\xff"', "x.json")


@pytest.mark.parametrize("size", [100, 600, 1500])
@pytest.mark.parametrize("reader", [read_c3d, read_c3d_vertical_force])
def test_truncated_c3d_is_one_line_without_library_jargon(tmp_path, size, reader):
    path = tmp_path / "static.c3d"
    path.write_bytes(STATIC_C3D.read_bytes()[:size])
    with pytest.raises(InvalidInput) as caught:
        reader(path)
    assert str(caught.value) == "static.c3d: not a readable C3D file (truncated or damaged)"


@pytest.mark.parametrize("url, needle", [
    ("", "--db is empty"),
    ("notaurl", "--db 'notaurl' is not a database URL"),
    ("foo://bar", "--db 'foo://bar' is not a database URL"),
])
def test_db_option_must_be_a_database_url(tmp_path, monkeypatch, url, needle):
    monkeypatch.chdir(tmp_path)
    text = one_error_line(kg("activities", "--db", url, "--home", str(tmp_path / "home")))
    assert squeezed(needle) in text
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no ./notaurl, no home for a refused URL


def test_sqlite_url_in_a_missing_folder_creates_no_folders(tmp_path):
    missing = tmp_path / "nonexistent" / "dir"
    text = one_error_line(kg("activities", "--db", f"sqlite:///{missing}/x.db", "--home", str(tmp_path / "h")))
    assert squeezed(f"database folder {missing} does not exist") in text
    assert not (tmp_path / "nonexistent").exists()


def test_environment_plain_path_and_default_home_still_work(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DB_ENV, str(tmp_path / "other.db"))
    assert config.database_url(home=tmp_path) == f"sqlite:///{(tmp_path / 'other.db').resolve()}"
    with db.open_store(home=tmp_path / "fresh" / "home") as store:
        assert store.dialect == "sqlite"


@pytest.mark.parametrize("name", ["ana\nbob", "ana\x1b[2J", "ana\tb", "a\u202eb"])
def test_athlete_names_with_control_characters_are_refused(store, name):
    with store.write() as session, pytest.raises(InvalidInput, match="control characters"):
        athletes.create(session, name)


def test_athlete_add_with_an_escape_code_is_one_visible_line(tmp_path):
    text = one_error_line(kg("athlete", "add", "ana\x1b[31m\nred", "--home", str(tmp_path)))
    assert "\x1b" not in text and "\\x1b" in text and "\\n" in text


def test_labels_from_files_lose_control_characters_and_messages_show_them_escaped():
    assert without_control_characters("Morning\x1b[31m run\n\r ") == "Morning [31m run"
    assert one_line("a\nb\x1bc") == "a\\nb\\x1bc"


def test_empty_zip_says_so_and_fails_the_import(tmp_path):
    archive = tmp_path / "empty.zip"
    zipfile.ZipFile(archive, "w").close()
    (item,) = list(iter_sources(archive))
    assert str(item) == f"{archive}: {NO_ACTIVITY_FILES}"
    result = kg("import", str(archive), "--json", "--home", str(tmp_path / "h"))
    assert result.exit_code == 1
    (row,) = json.loads(result.stdout)
    assert row["status"] == "error" and "no activity files" in row["error"]


def test_import_shows_markup_and_escape_codes_in_file_names_as_text(tmp_path):
    bad = tmp_path / "[bold]x\x1b[2J.fit"
    bad.write_bytes(b"not a fit file at all")
    result = runner.invoke(app, ["import", str(bad), "--home", str(tmp_path / "h")], catch_exceptions=False)
    assert result.exit_code == 1 and "\x1b" not in result.output and "[bold]x" in result.output
