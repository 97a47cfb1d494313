#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server, its URL in GOPY_TEST_DATABASE_URL.
# Installs Debian's PostgreSQL when it is missing and we are root (CI); the server
# lives in a temp dir and is stopped on exit, whatever happens.
set -euo pipefail

find_bin() {
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

if ! PGBIN=$(find_bin); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing PostgreSQL from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(find_bin)
  else
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 3
  fi
fi

DATA=$(mktemp -d /tmp/gopy-pg.XXXXXX)
PORT=${GOPY_PG_PORT:-55432}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
cleanup() { as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT

as_owner "$PGBIN/initdb" -D "$DATA/db" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres gopy_test

export GOPY_TEST_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1:$PORT/gopy_test"
echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"
"$@"
