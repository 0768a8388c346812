#!/usr/bin/env bash
# README command 2: set everything up, then run the whole test suite.
# PostgreSQL tests run against a throwaway local server when one can be started
# (Debian's postgresql package; installed here when running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${KNEEGUARD_TEST_PG_URL:-}" ]; then
  if url=$(bash scripts/pg_throwaway.sh start 2>/tmp/kneeguard-pg.log); then
    export KNEEGUARD_TEST_PG_URL="$url"
    trap 'bash scripts/pg_throwaway.sh stop >/dev/null 2>&1 || true' EXIT
  else
    echo "note: no PostgreSQL server could be started; PostgreSQL tests will be skipped (see /tmp/kneeguard-pg.log)" >&2
  fi
fi
# Pyflakes-level lint first (unused or undefined names), then the suite.
.venv/bin/ruff check --quiet --select F src tests benchmarks scripts
.venv/bin/python -m pytest -n 2 -q "$@"
