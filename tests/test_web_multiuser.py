"""Multi-user mode through FastAPI's TestClient, on SQLite and on PostgreSQL (KNEEGUARD_TEST_PG_URL):
login, sessions, CSRF, the login throttle, and per-athlete access on every route of the app."""
from __future__ import annotations

import re
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about its httpx-based client
    from fastapi.testclient import TestClient

from fastapi import routing as fastapi_routing

from kneeguard.store import accounts, import_sources, open_store
from kneeguard.store.models import Job
from kneeguard.store.notes import add_note
from kneeguard.store.records import save_gait_session
from kneeguard.web import create_app
from kneeguard.web.security import LoginThrottle
from tests.test_store_support import Decoder, activity, at

PASSWORD = "correct horse battery"
SECRET_KEY = b"k" * 48
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "kneeguard" / "web" / "templates"
# Text that only bob's data contains: no page another account can open may show it.
BOB_MARKERS = ("BOB-SECRET", "bob-secret.mp4", "BobSecretShoe")
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    # The real parameters (64 MiB, 3 passes) cost ~0.1 s a hash; test_password_hash_is_argon2id checks them.
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class World:
    app: object
    store: object
    ids: dict  # bob's objects: what a guessed URL could name


@pytest.fixture
def world(store_url, tmp_path):
    """Athletes ana, bob, cleo; accounts ana and bob (athletes), clin (clinician of ana and cleo),
    coachy (coach, nothing assigned), root (admin). Only bob has data."""
    store = open_store(url=store_url, home=tmp_path / "home")
    decoder = Decoder()
    source = decoder.add(b"bob-run", activity(at(2026, 3, 2, 7), name="BOB-SECRET morning run"))
    import_sources(store, [source], athlete="bob", decoder=decoder)
    with store.write() as s:
        for name, role, athlete in (("ana", "athlete", "ana"), ("bob", "athlete", "bob"),
                                    ("clin", "clinician", "ana"), ("coachy", "coach", None), ("root", "admin", None)):
            accounts.create_user(s, name, PASSWORD, role, athlete=athlete)
    with store.write() as s:
        from kneeguard.store import athletes, shoes
        from kneeguard.store.queries import list_activities

        athletes.get_or_create(s, "cleo")
        accounts.assign(s, "clin", "cleo")
        bob = athletes.get(s, "bob")
        gait_id = save_gait_session(s, "bob", {"findings": []}, source="bob-secret.mp4")
        note_id = add_note(s, "bob", "root", "BOB-SECRET note").id
        shoes.add(s, "bob", "BobSecretShoe")
        job_id = uuid.uuid4().hex
        s.add(Job(id=job_id, athlete_id=bob.id, kind="gait", params={"video": "bob-secret.mp4"}))
        activity_id = list_activities(s, "bob")[0]["id"]
    ids = {"activity": activity_id, "gait": gait_id, "note": note_id, "job": job_id, "athlete": bob.id,
           "name": "bob", "shoe": "BobSecretShoe"}
    app = create_app(store, multi_user=True, secret_key=SECRET_KEY, max_upload_mb=1)
    yield World(app, store, ids)
    store.close()


def web(app, **kwargs) -> TestClient:
    """A browser stand-in that shows redirects instead of following them."""
    return TestClient(app, follow_redirects=False, **kwargs)


def token_of(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def login(app, username: str, password: str = PASSWORD, **kwargs) -> TestClient:
    client = web(app, **kwargs)
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": token_of(client.get("/login").text)})
    assert r.status_code == 303, r.text[:300]
    return client


def post(client: TestClient, url: str, data: dict | None = None, **kwargs):
    """A form post carrying the session's CSRF token, as the pages send it."""
    token = token_of(client.get("/notes").text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", quote(value, safe=""), path)


def every_route(app) -> list[tuple[str, frozenset[str] | None]]:
    """(path, methods) of every route, routers included at any depth; methods None for a mount."""
    flatten = getattr(fastapi_routing, "iter_route_contexts", None)  # FastAPI wraps included routers lazily
    found = [(r.path, frozenset(r.methods) if r.methods else None) for r in (flatten(app.routes) if flatten else app.routes)]
    paths = {path for path, _ in found}
    assert {"/activities/{activity_id}", "/notes", "/login", "/static"} <= paths, "the route walk missed routes"
    return found


def _routes(app, method: str) -> list[str]:
    return sorted({path for path, methods in every_route(app) if methods and method in methods})


# ---------------------------------------------------------------- login, logout, sessions
def test_signed_out_every_page_leads_to_login(world):
    client = web(world.app)
    for path in _routes(world.app, "GET"):
        r = client.get(_fill(path, "1"), follow_redirects=False)
        if path == "/login":
            assert r.status_code == 200
            continue
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    assert client.get("/static/kneeguard.css").status_code == 200  # the packaged assets stay public
    assert client.get("/activities?sport=run", follow_redirects=False).headers["location"] == \
        "/login?next=%2Factivities%3Fsport%3Drun"


def test_login_logout_and_wrong_password(world):
    client = web(world.app)
    page = client.get("/login")
    wrong = client.post("/login", data={"username": "ana", "password": "nope nope nope", "csrf_token": token_of(page.text)})
    assert wrong.status_code == 401 and "Wrong username or password." in wrong.text
    unknown = client.post("/login", data={"username": "ghost", "password": PASSWORD, "csrf_token": token_of(page.text)})
    assert unknown.status_code == 401 and "Wrong username or password." in unknown.text  # same words: no hint
    ok = client.post("/login", data={"username": "ANA", "password": PASSWORD, "csrf_token": token_of(page.text),
                                     "next": "/activities"})
    assert ok.status_code == 303 and ok.headers["location"] == "/activities"
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Secure" not in cookie
    home = client.get("/")
    assert home.status_code == 200 and "ana (athlete)" in home.text and "<strong>ana</strong>" in home.text
    stolen = dict(client.cookies)
    out = post(client, "/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303
    replay = web(world.app, cookies=stolen)  # the cookie of a logged-out session is dead
    assert replay.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example", "/login"])
def test_login_never_redirects_off_site(world, target):
    client = web(world.app)
    r = client.post("/login", data={"username": "ana", "password": PASSWORD, "next": target,
                                    "csrf_token": token_of(client.get("/login").text)})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_password_change_and_disabling_end_sessions(world):
    client = login(world.app, "ana")
    assert client.get("/").status_code == 200
    with world.store.write() as s:
        accounts.set_password(s, "ana", "another long password")
    assert client.get("/", follow_redirects=False).status_code == 303
    client = login(world.app, "ana", "another long password")
    with world.store.write() as s:
        accounts.set_disabled(s, "ana", True)
    assert client.get("/", follow_redirects=False).status_code == 303
    again = web(world.app)
    r = again.post("/login", data={"username": "ana", "password": "another long password",
                                   "csrf_token": token_of(again.get("/login").text)})
    assert r.status_code == 401


def test_session_cookie_expires_and_forged_ones_fail(world, monkeypatch):
    import time

    client = login(world.app, "ana")
    signer = world.app.state.auth.signer
    value = client.cookies["kneeguard_session"]
    assert signer.read(value) is not None
    assert signer.read(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + signer.max_age + 5)
    assert signer.read(value) is None
    assert client.get("/", follow_redirects=False).status_code == 303


def test_secure_cookies_over_https_or_when_asked(world):
    client = web(world.app, base_url="https://testserver")
    r = client.post("/login", data={"username": "ana", "password": PASSWORD,
                                    "csrf_token": token_of(client.get("/login").text)})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
    # Behind an https proxy the app sees plain http: --secure-cookies marks them all the same.
    proxied = web(create_app(world.store, multi_user=True, secret_key=SECRET_KEY, secure_cookies=True))
    assert "Secure" in proxied.get("/login").headers["set-cookie"]
    assert "Secure" not in web(world.app).get("/login").headers["set-cookie"]


def test_login_is_rate_limited_per_name_and_address(world):
    clock = [1000.0]
    world.app.state.auth.throttle = LoginThrottle(clock=lambda: clock[0])
    client = web(world.app)
    token = token_of(client.get("/login").text)
    for _ in range(5):
        assert client.post("/login", data={"username": "ana", "password": "wrong password!", "csrf_token": token}
                           ).status_code == 401
    blocked = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429 and "Too many failed sign-ins" in blocked.text and "15 minutes" in blocked.text
    other = client.post("/login", data={"username": "bob", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False)
    assert other.status_code == 303  # another account from the same address is not locked out
    clock[0] += 15 * 60 + 1
    fresh = web(world.app)
    r = fresh.post("/login", data={"username": "ana", "password": PASSWORD,
                                   "csrf_token": token_of(fresh.get("/login").text)})
    assert r.status_code == 303


# ---------------------------------------------------------------- CSRF
def test_every_form_template_carries_the_csrf_token():
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text("utf-8")
        for form in re.findall(r"<form\b[^>]*>.*?</form>", text, flags=re.S | re.I):
            opening = form.split(">", 1)[0]
            if not re.search(r"""method=["']?post""", opening, re.I):
                continue
            assert '{% include "_csrf.html" %}' in form, f"{template.name}: a post form without the CSRF field"
            if "multipart/form-data" in opening:  # upload bodies are not read before the route
                assert "csrf_token=" in opening, f"{template.name}: an upload form needs the token in its action"


def test_posts_without_a_valid_token_are_refused(world):
    ana, bob = login(world.app, "ana"), login(world.app, "bob")
    bob_token = token_of(bob.get("/").text)
    for data in ({}, {"csrf_token": "0" * 64}, {"csrf_token": bob_token}):
        r = ana.post("/profile", data={"hr_max": "190", **data})
        assert r.status_code == 403 and "expired" in r.text
    assert web(world.app).post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 403
    token = token_of(ana.get("/profile").text)
    assert ana.post("/profile", data={"hr_max": "190", "csrf_token": token}).status_code == 200
    assert ana.post("/profile", data={"hr_max": "191"}, headers={"X-CSRF-Token": token}).status_code == 200
    cross = ana.post("/profile", data={"csrf_token": token}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403  # the Origin check stays on


def test_every_state_changing_route_needs_login_and_token(world):
    anonymous, ana = web(world.app), login(world.app, "ana")
    routes = [(m, path) for path, methods in every_route(world.app) if methods
              for m in sorted(methods - {"GET", "HEAD", "OPTIONS"})]
    assert ("POST", "/notes") in routes and ("POST", "/import") in routes
    for method, path in routes:
        url = _fill(path, str(world.ids["activity"]))
        if path != "/login":
            assert anonymous.request(method, url).status_code == 401, (method, path)
        assert ana.request(method, url, data={"x": "1"}).status_code == 403, (method, path)


def test_upload_with_the_token_in_its_action(world):
    ana = login(world.app, "ana")
    page = ana.get("/import").text
    action = re.search(r'action="(/import\?csrf_token=[0-9a-f]+)"', page).group(1)
    files = [("files", ("bad.gpx", b"<nope/>", "application/gpx+xml"))]
    assert ana.post("/import", files=files).status_code == 403
    r = ana.post(action, files=files)
    assert r.status_code == 200 and "bad.gpx" in r.text


# ---------------------------------------------------------------- who sees what
@pytest.mark.parametrize("viewer", ["ana", "clin"])
def test_no_route_reaches_another_athletes_data(world, viewer):
    """Every GET route of the app, as an account that may not see bob, with each of bob's
    ids in its URL, and every page with the athlete cookie forced to bob."""
    mounts = [path for path, methods in every_route(world.app) if methods is None]
    assert mounts == ["/static"], "a mounted folder bypasses the per-athlete check: serve files through a route"
    client = login(world.app, viewer)
    client.cookies.set("kneeguard_athlete", "bob")
    candidates = [str(v) for v in world.ids.values()]
    for path in _routes(world.app, "GET"):
        urls = [_fill(path, v) for v in candidates] if "{" in path else [path]
        for url in urls:
            r = client.get(url, follow_redirects=False)
            if "{" in path:
                assert r.status_code in (400, 403, 404, 422), (url, r.status_code)
            else:
                assert r.status_code in (200, 303, 400, 503), (url, r.status_code)
            body = r.content.decode("utf-8", "replace")
            leaked = [m for m in BOB_MARKERS if m in body and m not in url]  # an echoed URL is no leak
            assert not leaked, (url, leaked)
            assert "<strong>bob</strong>" not in body, url


def test_owner_reaches_the_same_urls(world):
    bob = login(world.app, "bob")
    assert bob.get(f"/activities/{world.ids['activity']}").status_code == 200
    assert "BOB-SECRET note" in bob.get("/notes").text and "BobSecretShoe" in bob.get("/shoes").text
    assert "bob-secret.mp4" in bob.get("/gait").text


def test_athlete_account_is_pinned_to_itself(world):
    ana = login(world.app, "ana")
    page = ana.get("/athletes").text
    assert "Switch to" not in page and "Add an athlete" not in page
    assert ana.post("/athletes/select", data={"name": "bob", "csrf_token": token_of(page)}).status_code == 404
    assert post(ana, "/athletes", {"name": "newbie"}).status_code == 403


def test_clinician_sees_only_assigned_athletes(world):
    clin = login(world.app, "clin")
    page = clin.get("/athletes").text
    assert "ana" in page and "cleo" in page and "bob" not in page
    r = post(clin, "/athletes/select", {"name": "bob"})
    assert r.status_code == 404 and "cleo" not in r.text  # no list of names in the message
    switched = post(clin, "/athletes/select", {"name": "cleo"}, follow_redirects=True)
    assert "<strong>cleo</strong>" in switched.text
    with world.store.write() as s:
        accounts.unassign(s, "clin", "cleo")
    assert "<strong>ana</strong>" in clin.get("/").text  # the cookie names cleo; no longer allowed


def test_unassigned_coach_is_told_why(world):
    coach = login(world.app, "coachy")
    r = coach.get("/")
    assert r.status_code == 403 and "kneeguard users assign coachy" in r.text
    listing = coach.get("/athletes")
    assert listing.status_code == 200 and "No athlete is assigned" in listing.text


def test_admin_sees_everyone_and_adds_athletes(world):
    root = login(world.app, "root")
    page = root.get("/athletes").text
    assert all(name in page for name in ("ana", "bob", "cleo"))
    r = post(root, "/athletes", {"name": "dora"}, follow_redirects=True)
    assert "<strong>dora</strong>" in r.text


# ---------------------------------------------------------------- notes
def test_notes_clinician_writes_athlete_reads(world):
    clin, ana = login(world.app, "clin"), login(world.app, "ana")
    assert post(clin, "/notes", {"text": "Eccentric calf work twice a week.\n<b>not bold</b>"}).status_code == 303
    assert post(clin, "/notes", {"text": "   "}).status_code == 400
    page = ana.get("/notes").text
    assert "Eccentric calf work" in page and "clin" in page and "&lt;b&gt;" in page
    assert 'name="text"' not in page  # no form for the athlete
    assert post(ana, "/notes", {"text": "mine"}).status_code == 403
    assert "Eccentric" not in login(world.app, "bob").get("/notes").text


def test_password_hash_is_argon2id(store, monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher())  # the real parameters
    with store.write() as s:
        user = accounts.create_user(s, "real", PASSWORD, "admin")
        assert user.password_hash.startswith("$argon2id$") and "m=65536" in user.password_hash
        assert PASSWORD not in user.password_hash
        assert accounts.authenticate(s, "real", PASSWORD) is not None
        assert accounts.authenticate(s, "real", PASSWORD + "x") is None


def test_single_user_mode_is_unchanged_and_keeps_notes(tmp_path):
    """No login, no tokens; notes are written as "local"."""
    client = web(create_app(home=tmp_path / "home"))
    assert client.get("/login").status_code == 404 and client.get("/").status_code == 200
    assert 'name="csrf_token"' not in client.get("/notes").text
    assert client.post("/notes", data={"text": "Hamstring tendon sore after intervals."}).status_code == 303
    page = client.get("/notes").text
    assert "Hamstring tendon sore" in page and "local" in page and "Log out" not in page
