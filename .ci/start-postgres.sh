#!/usr/bin/env bash
# Sourced: starts a throwaway PostgreSQL cluster on loopback and exports
# SAMENZICHT_TEST_DATABASE_URL for the store tests. `stop_postgres` stops and removes it.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_PORT=${PG_PORT:-55432}
PG_DIR=$(mktemp -d /tmp/samenzicht-pg.XXXXXX)
chown postgres:postgres "$PG_DIR" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
as_pg "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 >/dev/null"
as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -o \"-c listen_addresses=127.0.0.1 -p $PG_PORT -k '$PG_DIR'\" -w start >/dev/null"
as_pg "'$PG_BIN/createdb' -h 127.0.0.1 -p $PG_PORT -U postgres samenzicht_test"
export SAMENZICHT_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/samenzicht_test"
echo "postgresql running on 127.0.0.1:$PG_PORT"
stop_postgres() {
  as_pg "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m fast stop >/dev/null" || true
  rm -rf "$PG_DIR"
}
