#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for tests and runs a command with SP_PG_DSN
# pointing at it; stops the server and removes its files when the command
# ends (or on Ctrl-C).
#
#   scripts/pgtest.sh go test ./sync/server/store/...   run a command against it
#   scripts/pgtest.sh                                   print the DSN and wait for Ctrl-C
#
# The cluster lives in a temp dir: trust auth, listening on 127.0.0.1 only
# (a free port) and on a unix socket in that dir; fsync is off (the data is
# thrown away). When SP_PG_DSN is already set, the command runs against that
# server instead. Missing server binaries are installed from the Debian
# package "postgresql" (apt-get, as root or with sudo). PostgreSQL refuses to
# run as root, so as root the server runs as the "postgres" user (created if
# missing). PG_BIN may name the directory with initdb and pg_ctl.
set -euo pipefail

if [ -n "${SP_PG_DSN:-}" ]; then
  if [ "$#" -eq 0 ]; then echo "SP_PG_DSN is already set: $SP_PG_DSN"; exit 0; fi
  exec "$@"
fi

log() { echo "pgtest: $*" >&2; }

find_bin() {
  local d
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; then echo "$PG_BIN"; return 0; fi
  # Debian/Ubuntu keep the server binaries per major version, off PATH.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    d=$(dirname "$(readlink -f "$(command -v initdb)")")
    if [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  fi
  return 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi

if ! BIN=$(find_bin); then
  if ! command -v apt-get >/dev/null 2>&1 || { [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; }; then
    log "PostgreSQL server binaries (initdb, pg_ctl) not found and cannot be installed here"
    log "(no apt-get, or not root and no password-less sudo). Install the 'postgresql' package,"
    log "set PG_BIN to its bin directory, or set SP_PG_DSN to a server of your own."
    exit 1
  fi
  log "installing the Debian package postgresql"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(find_bin) || { log "postgresql installed but initdb/pg_ctl not found"; exit 1; }
fi

# PostgreSQL will not run as root: use the postgres user (the Debian package
# creates it; create it if it is missing).
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  fi
  if command -v runuser >/dev/null 2>&1; then
    RUN=(runuser -u postgres --)
  elif command -v setpriv >/dev/null 2>&1; then
    RUN=(setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --)
  else
    RUN=(su postgres -s /bin/sh -c '"$0" "$@"')
  fi
fi

# The temp dir must be reachable by the server's user; TMPDIR may not be
# (e.g. under /root), /tmp always is. Short, too: the socket path has a limit.
DIR=""
for base in "${TMPDIR:-/tmp}" /tmp; do
  DIR=$(mktemp -d "$base/sp-pgtest.XXXXXX") || continue
  [ "${#RUN[@]}" -gt 0 ] && chown postgres: "$DIR"
  if [ "${#DIR}" -lt 80 ] && "${RUN[@]}" test -w "$DIR" 2>/dev/null; then break; fi
  rm -rf "$DIR"; DIR=""
done
[ -n "$DIR" ] || { log "no usable temp dir"; exit 1; }

PGDATA="$DIR/data"
started=""
waiter=""
cleanup() {
  local rc=$?
  if [ -n "$waiter" ]; then kill "$waiter" 2>/dev/null || true; fi
  if [ -n "$started" ]; then
    "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

initdb() { "${RUN[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 "$@" >"$DIR/initdb.log" 2>&1; }
# C.UTF-8 where the system has it, else no locale at all.
if ! initdb --locale=C.UTF-8; then
  rm -rf "$PGDATA"
  if ! initdb --no-locale; then log "initdb failed:"; cat "$DIR/initdb.log" >&2; exit 1; fi
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=""
for _ in $(seq 1 20); do
  p=$((20000 + RANDOM % 40000))
  port_in_use "$p" && continue
  started=1 # from here on, stop it on exit whatever pg_ctl answers
  if "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $p -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
    PORT=$p; break
  fi
done
if [ -z "$PORT" ]; then log "PostgreSQL did not start:"; tail -n 20 "$DIR/server.log" >&2 || true; exit 1; fi

PSQL="$BIN/psql"
[ -x "$PSQL" ] || PSQL=$(command -v psql) || { log "psql not found"; exit 1; }
"$PSQL" -h "$DIR" -p "$PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE sptest" >/dev/null

export SP_PG_DSN="postgres://postgres@127.0.0.1:$PORT/sptest?sslmode=disable"
log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT; SP_PG_DSN=$SP_PG_DSN"

if [ "$#" -eq 0 ]; then
  echo "export SP_PG_DSN='$SP_PG_DSN'"
  log "running until Ctrl-C"
  while :; do sleep 3600 & waiter=$!; wait "$waiter"; done
fi
set +e
"$@"
rc=$?
set -e
exit $rc
