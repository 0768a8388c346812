"""Multi-user mode's building blocks: signed session cookies, CSRF tokens, the login throttle.

The session cookie is signed (itsdangerous, HMAC-SHA256 over a server secret) and holds
the account id, a random session id and a fingerprint of the account's password hash.
Every request re-reads the account: a disabled account or a changed password ends all
its sessions; logging out ends one (remembered in memory until it would have expired).
CSRF tokens are an HMAC of the session id, so a token is only good for its own session;
before login the session id is a random pre-login cookie.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from kneeguard.errors import InvalidInput

SESSION_COOKIE = "kneeguard_session"
PRELOGIN_COOKIE = "kneeguard_prelogin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 12 * 3600
SECRET_ENV = "KNEEGUARD_SECRET_KEY"
SECRET_FILE = "web-secret.key"
_NONCE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

# Every page: scripts, styles, fonts and fetches from the app itself only, never inline (no
# 'unsafe-inline': an injected <script> or style="..." does nothing); images may be data:/blob: URLs
# (charts, the knee diagram), media blob: (the annotated video player); no plugins, no <base>
# hijack, forms post only here, and no other site may frame a page (clickjacking).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
    "media-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'"))
# The report (view and download) is one self-contained file: its CSS is inline (a <style> block
# and a few style attributes) so it prints the same when opened from disk, and its charts are
# data: images. It has no script, so its policy allows inline styles and nothing else: no script
# at all, no fetch of any kind (CSS cannot exfiltrate: no url() loads), no forms, no framing.
REPORT_CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'", "style-src 'unsafe-inline'", "img-src data:", "base-uri 'none'",
    "form-action 'none'", "frame-ancestors 'none'"))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


@dataclass(frozen=True)
class SignedInUser:
    """The account behind a valid session cookie, as every page sees it."""

    id: int
    username: str
    role: str
    athlete_id: int | None
    session_id: str

    @property
    def can_write_notes(self) -> bool:
        return self.role in ("clinician", "coach", "admin")

    @property
    def can_edit_plan(self) -> bool:
        """Clinicians and admins edit the plans of the athletes they may see (a coach reads them)."""
        return self.role in ("clinician", "admin")


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def looks_like_nonce(value: str | None) -> bool:
    return bool(value) and 16 <= len(value) <= 64 and set(value) <= _NONCE_CHARS


def password_fingerprint(password_hash: str) -> str:
    """Changes whenever the password does; a hash of the hash, so the cookie never carries it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class SessionSigner:
    """Issues and checks session cookies and CSRF tokens with one server secret."""

    def __init__(self, secret: bytes, max_age: int = SESSION_SECONDS) -> None:
        if len(secret) < 32:
            raise InvalidInput("the session secret must have at least 32 bytes")
        self.max_age = max_age
        self._serializer = URLSafeTimedSerializer(secret, salt="kneeguard-session")
        self._csrf_key = hmac.new(secret, b"kneeguard-csrf", hashlib.sha256).digest()
        self._revoked: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, user_id: int, password_hash: str) -> tuple[str, str]:
        """A new cookie value and its session id (a fresh id at every login: no session fixation)."""
        session_id = new_nonce()
        value = self._serializer.dumps({"u": user_id, "s": session_id, "p": password_fingerprint(password_hash)})
        return value, session_id

    def read(self, value: str | None) -> dict | None:
        """The payload of a genuine, unexpired, not logged-out cookie; None otherwise."""
        if not value:
            return None
        try:
            payload = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # also covers SignatureExpired
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
            return None
        if not looks_like_nonce(payload.get("s")) or not isinstance(payload.get("p"), str):
            return None
        with self._lock:
            if payload["s"] in self._revoked:
                return None
        return payload

    def revoke(self, session_id: str) -> None:
        now = time.time()
        with self._lock:
            self._revoked = {k: t for k, t in self._revoked.items() if t > now}
            self._revoked[session_id] = now + self.max_age

    def csrf_token(self, session_id: str) -> str:
        return hmac.new(self._csrf_key, session_id.encode(), hashlib.sha256).hexdigest()

    def csrf_matches(self, session_id: str | None, supplied: str | None) -> bool:
        if not session_id or not supplied:
            return False
        return hmac.compare_digest(self.csrf_token(session_id), supplied.strip())


class LoginThrottle:
    """Counts failed logins in memory: `max_failures` per username and address within
    `window_s`, and `max_per_address` for one address over all names (password spraying).

    In memory on purpose: one server process, nothing to set up; a restart forgets.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 15 * 60, max_per_address: int = 50,
                 max_keys: int = 10_000, clock=time.monotonic) -> None:
        self.max_failures, self.window_s, self.max_per_address = max_failures, window_s, max_per_address
        self._max_keys, self._clock = max_keys, clock
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until this name may try again from this address; 0 when it may now."""
        now = self._clock()
        with self._lock:
            waits = [self._wait((username.strip().lower(), address), self.max_failures, now),
                     self._wait(("", address), self.max_per_address, now)]
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            for key in ((username.strip().lower(), address), ("", address)):
                times = self._failures.pop(key, deque())
                times.append(now)
                self._failures[key] = times  # re-inserted: the newest keys stay at the end
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username.strip().lower(), address), None)

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> float:
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0.0
        return self.window_s - (now - times[0]) if len(times) >= limit else 0.0


def load_secret(home: Path) -> bytes:
    """The signing secret: $KNEEGUARD_SECRET_KEY, else a random key kept in the data folder
    (created on first use, readable by its owner only) so sessions survive a restart."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        if len(from_env) < 32:
            raise InvalidInput(f"{SECRET_ENV} must have at least 32 characters")
        return from_env.encode()
    path = Path(home) / SECRET_FILE
    if not path.exists():
        # Written aside, then linked into place: a second process starting at the same time
        # either wins the link or reads the finished file, never a half-written one.
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(secrets.token_hex(32).encode())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_bytes().strip()
    if len(secret) < 32:
        raise InvalidInput(f"{path} holds no usable secret; delete it to make a new one")
    return secret
