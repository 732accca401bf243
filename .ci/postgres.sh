#!/usr/bin/env bash
# A throwaway PostgreSQL server for the service tests, from Debian's packages, run as the 'postgres' user
# in a temporary folder, listening on 127.0.0.1 only.
#   eval "$(bash .ci/postgres.sh start)"   -> exports MLGOV_TEST_POSTGRES_URL and MLGOV_PG_DATA
#   bash .ci/postgres.sh stop "$MLGOV_PG_DATA"
set -euo pipefail

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-}" in
start)
  if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
    echo "installing the PostgreSQL server (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  BIN="$(bindir)"
  DATA="$(mktemp -d /tmp/mlgov-pg.XXXXXX)"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  chown postgres:postgres "$DATA"
  runuser -u postgres -- "$BIN/initdb" -D "$DATA/db" --auth=trust --username=postgres -E UTF8 >/dev/null
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DATA -c max_connections=200 -c fsync=off" start >&2
  echo "export MLGOV_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$PORT/postgres MLGOV_PG_DATA=$DATA"
  ;;
stop)
  BIN="$(bindir)"
  [ -n "${2:-}" ] && [ -d "$2/db" ] || exit 0
  runuser -u postgres -- "$BIN/pg_ctl" -D "$2/db" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$2"
  ;;
*)
  echo "usage: $0 start | stop DATA_DIR" >&2
  exit 2
  ;;
esac
