#!/usr/bin/env bash
# Start/stop a throwaway PostgreSQL server for the tests, on loopback only.
# `start` prints the SQLAlchemy URL on stdout; `stop` removes everything.
set -euo pipefail
DIR=${KNEEGUARD_PG_DIR:-/tmp/kneeguard-pg}
PORT=${KNEEGUARD_PG_PORT:-54329}

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$found" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    (apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q postgresql >/dev/null 2>&1; }) || true
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  fi
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found" >&2; return 1; }
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    BIN=$(find_bin)
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    as_owner "$BIN/initdb" -D "$DIR/data" -U kneeguard --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c full_page_writes=off" start >&2 \
      || { cat "$DIR/server.log" >&2; exit 1; }
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U kneeguard kneeguard_test >&2
    echo "postgresql+psycopg://kneeguard@127.0.0.1:$PORT/kneeguard_test"
    ;;
  stop)
    BIN=$(find_bin)
    if [ -d "$DIR/data" ]; then
      as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
