#!/usr/bin/env bash
# Create .venv and install kneeguard with its pinned dependencies (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

pick_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "kneeguard needs Python 3.11 or 3.12 (set PYTHON=/path/to/python)" >&2
  return 1
}

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
