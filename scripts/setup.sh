#!/usr/bin/env bash
# Create .venv and install kneeguard with its pinned dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "kneeguard needs Python 3.11 or 3.12 (set PYTHON=/path/to/python)" >&2
  return 1
}

# System packages: pango and fonts for PDF reports (WeasyPrint), Debian's chromium for the
# browser tests. Installed only when missing and when we may (root with apt-get).
system_packages() {
  local missing=()
  [ -e /usr/bin/chromium ] || missing+=(chromium)
  ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; } ||
      echo "note: could not install ${missing[*]}; PDF output and browser tests may be unavailable" >&2
  else
    echo "note: please install ${missing[*]} (PDF reports and browser tests need them)" >&2
  fi
}
system_packages

PY=$(pick_python)
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.kneeguard-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e ".[dev,postgres,pose]"
  # The one offline pose model: mediapipe's declared extras (jax, opencv-contrib) are not needed.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -c requirements.lock "mediapipe==0.10.21"
  echo "$want" > "$stamp"
fi
