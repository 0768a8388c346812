"""Accounts, assignments and notes in the store, and the `users` and `serve --multi-user` commands
(SQLite, and PostgreSQL when KNEEGUARD_TEST_PG_URL is set)."""
from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from kneeguard.cli import app as cli_app
from kneeguard.store import UnknownAthlete, accounts, athletes, open_store
from kneeguard.store.notes import add_note, list_notes
from tests.test_store_support import at

PASSWORD = "correct horse battery"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_roles_decide_who_sees_which_athlete(store):
    with store.write() as s:
        for name in ("ana", "bob", "cleo"):
            athletes.create(s, name)
        ana = accounts.create_user(s, "Ana", PASSWORD, "athlete")  # bound to the athlete "ana"
        clin = accounts.create_user(s, "clin", PASSWORD, "clinician", athlete="bob")
        root = accounts.create_user(s, "root", PASSWORD, "admin")
        assert accounts.assign(s, "clin", "cleo") and not accounts.assign(s, "clin", "cleo")
    with store.session() as s:
        assert ana.username == "ana"
        assert [a.name for a in accounts.visible_athletes(s, ana)] == ["ana"]
        assert [a.name for a in accounts.visible_athletes(s, clin)] == ["bob", "cleo"]
        assert [a.name for a in accounts.visible_athletes(s, root)] == ["ana", "bob", "cleo"]
        assert accounts.can_access(s, ana, "ana") and not accounts.can_access(s, ana, "bob")
        assert accounts.can_access(s, clin, "cleo") and not accounts.can_access(s, clin, "ana")
        assert accounts.can_access(s, root, "bob") and not accounts.can_access(s, root, "ghost")
    with store.write() as s:
        assert accounts.unassign(s, "clin", "cleo") and not accounts.unassign(s, "clin", "cleo")
        assert not accounts.can_access(s, clin, "cleo")


def test_account_rules(store):
    with store.write() as s:
        accounts.create_user(s, "ana", PASSWORD, "athlete", athlete="Ana Runner")  # created when missing
        assert athletes.find(s, "Ana Runner") is not None
        with pytest.raises(ValueError, match="already exists"):
            accounts.create_user(s, "ANA", PASSWORD, "coach")
        with pytest.raises(ValueError, match="at least 10"):
            accounts.create_user(s, "short", "tiny", "coach")
        with pytest.raises(ValueError, match="role must be"):
            accounts.create_user(s, "x", PASSWORD, "doctor")
        with pytest.raises(ValueError, match="username"):
            accounts.create_user(s, "no spaces", PASSWORD, "coach")
        with pytest.raises(ValueError, match="only clinicians and coaches"):
            accounts.assign(s, "ana", "Ana Runner")
        accounts.create_user(s, "clin", PASSWORD, "clinician")
        with pytest.raises(UnknownAthlete):
            accounts.assign(s, "clin", "ghost")
        with pytest.raises(accounts.UnknownUser):
            accounts.set_password(s, "nobody", PASSWORD)


def test_authenticate(store):
    with store.write() as s:
        accounts.create_user(s, "ana", PASSWORD, "athlete")
    with store.write() as s:
        assert accounts.authenticate(s, " ANA ", PASSWORD).username == "ana"
        for name, password in (("ana", PASSWORD + "!"), ("ana", PASSWORD[:-1]), ("ghost", PASSWORD),
                               ("ana", ""), ("ana", "x" * 5000)):
            assert accounts.authenticate(s, name, password) is None
        accounts.set_disabled(s, "ana", True)
        assert accounts.authenticate(s, "ana", PASSWORD) is None
        assert accounts.count_users(s) == 0 and accounts.count_users(s, enabled_only=False) == 1


def test_weaker_hashes_are_upgraded_at_login(store, monkeypatch):
    with store.write() as s:
        old = accounts.create_user(s, "ana", PASSWORD, "athlete").password_hash
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    with store.write() as s:
        assert accounts.authenticate(s, "ana", PASSWORD) is not None
    with store.session() as s:
        new = accounts.get_user(s, "ana").password_hash
    assert new != old and "m=2048,t=2" in new


def test_notes_newest_first_and_checked(store):
    with store.write() as s:
        athletes.create(s, "ana")
        add_note(s, "ana", "clin", "first", created_at=at(2026, 3, 1))
        add_note(s, "ana", "", "second\nline two", created_at=at(2026, 3, 2))
        with pytest.raises(ValueError, match="empty"):
            add_note(s, "ana", "clin", "  \n ")
        with pytest.raises(ValueError, match="at most"):
            add_note(s, "ana", "clin", "x" * 10_001)
        with pytest.raises(UnknownAthlete):
            add_note(s, "ghost", "clin", "text")
    with store.session() as s:
        notes = list_notes(s, "ana")
    assert [(n.text, n.author) for n in notes] == [("second\nline two", "local"), ("first", "clin")]
    assert notes[0].created_at == at(2026, 3, 2)


# ---------------------------------------------------------------- the commands
def _where(store_url, tmp_path) -> list[str]:
    return ["--db", store_url] if store_url else ["--home", str(tmp_path / "home")]


def _users(where, *args, stdin: str | None = None):
    return runner.invoke(cli_app, ["users", *args, *where], input=stdin, catch_exceptions=False)


def flat(result) -> str:
    """The output with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def test_users_commands(store_url, tmp_path):
    where = _where(store_url, tmp_path)
    added = _users(where, "add", "Clin", "--role", "clinician", "--athlete", "ana", "--athlete", "bob",
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert added.exit_code == 2 and "unknown athlete 'ana'" in flat(added)  # assignments need athletes
    assert _users(where, "add", "ana", "--role", "athlete", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 0
    assert _users(where, "add", "clin", "--role", "clinician", "--athlete", "ana",
                  stdin=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0  # asked twice, without echo
    short = _users(where, "add", "bob", "--role", "coach", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in flat(short)
    assert _users(where, "add", "x", "--role", "doctor", "--password-stdin", stdin=PASSWORD + "\n").exit_code == 2
    assert "already saw" in flat(_users(where, "assign", "clin", "ana"))
    assert _users(where, "assign", "ana", "ana").exit_code == 2
    assert _users(where, "passwd", "clin", "--password-stdin", stdin="another long one\n").exit_code == 0
    assert _users(where, "disable", "clin").exit_code == 0
    listed = json.loads(_users(where, "list", "--json").stdout)
    assert listed == [
        {"username": "ana", "role": "athlete", "athlete": "ana", "assigned": [], "disabled": False},
        {"username": "clin", "role": "clinician", "athlete": None, "assigned": ["ana"], "disabled": True},
    ]
    assert "every athlete" not in _users(where, "list").output and "clinician" in _users(where, "list").output
    opened = open_store(url=store_url, home=tmp_path / "home")
    try:
        with opened.session() as s:
            assert accounts.authenticate(s, "ana", PASSWORD) is not None
            assert accounts.get_user(s, "clin").disabled
    finally:
        opened.close()


def test_serve_multi_user_needs_an_account(store_url, tmp_path, monkeypatch):
    where = _where(store_url, tmp_path)
    started = {}
    monkeypatch.setattr("uvicorn.run", lambda app_, host, port, log_level: started.update(app=app_, host=host))
    refused = runner.invoke(cli_app, ["serve", "--multi-user", *where])
    assert refused.exit_code == 2 and "kneeguard users add NAME --role admin" in flat(refused) and not started
    _users(where, "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    ok = runner.invoke(cli_app, ["serve", "--multi-user", "--host", "0.0.0.0", *where])
    assert ok.exit_code == 0 and started["app"].state.auth is not None
    assert "https reverse proxy" in flat(ok) and "without a login" not in flat(ok)
    open_to_all = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", *where])
    assert "without a login" in flat(open_to_all) and "--multi-user" in flat(open_to_all)
    assert getattr(started["app"].state, "auth", None) is None
