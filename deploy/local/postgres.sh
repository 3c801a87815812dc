#!/usr/bin/env bash
# A private PostgreSQL cluster for tests, without Docker: start|stop|status|url|reset.
# `start` and `url` print only the connection URL on stdout; everything else goes to stderr.
set -euo pipefail

# Outside the repo by default: the postgres OS user must reach it. Absolute, as the running
# server is recognised by its command line.
LOCAL_DIR=$(realpath -m "${LLR_LOCAL_DIR:-/tmp/llr-local}")
PORT=${LLR_PG_PORT:-55432}
PG_DIR=$LOCAL_DIR/pg
DATA=$PG_DIR/data
LOG=$PG_DIR/log/postgresql.log
URL="postgresql://llr:llr@127.0.0.1:$PORT/postgres"

say() { echo "postgres.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# initdb and pg_ctl refuse to run as root.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

find_bin() {
  # An existing cluster only starts with its own major version.
  if [[ -f $DATA/PG_VERSION && -x /usr/lib/postgresql/$(<"$DATA/PG_VERSION")/bin/postgres ]]; then
    BIN=/usr/lib/postgresql/$(<"$DATA/PG_VERSION")/bin
    return
  fi
  local initdb
  initdb=$(find /usr/lib/postgresql -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)
  [[ -n $initdb ]] && BIN=${initdb%/initdb}
}

install_pg() {
  [[ $EUID -eq 0 ]] || die "no PostgreSQL server found; as root run: apt-get install -y postgresql"
  say "installing PostgreSQL with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update && apt-get install -y postgresql; } >&2 </dev/null
  find_bin || die "apt-get installed no /usr/lib/postgresql/*/bin/initdb"
}

pm_pid() {
  local pid
  pid=$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null) || true
  [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
}

# Reads /proc, not pg_ctl status (kill -0): a killed postmaster lingers as a zombie until init
# reaps it, and a stale pid file's pid may belong to another program by now. Zombies have an
# empty command line.
running() {
  local pid
  pid=$(pm_pid) && [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *"bin/postgres -D $DATA"* ]]
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

log_tail() { tail -n 30 "$LOG" >&2 2>/dev/null || true; }

wait_ready() {
  local i
  for ((i = 0; i < 30; i++)); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres -U llr && return 0
    running || break
    sleep 1
  done
  log_tail
  die "PostgreSQL not ready on 127.0.0.1:$PORT (log: $LOG)"
}

init_cluster() {
  say "creating a private cluster in $DATA"
  local pwfile=$PG_DIR/pwfile
  echo llr >"$pwfile"
  [[ $EUID -ne 0 ]] || chown postgres: "$pwfile"
  if ! as_pg "$BIN/initdb" -D "$DATA" --username=llr --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >&2; then
    rm -f "$pwfile"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  # Settings live in their own file, rewritten on every start, so changes here apply to old clusters.
  echo "include_if_exists = 'llr-local.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

write_conf() {
  # Durability is traded for speed: the data only has to live as long as a test run.
  as_pg tee "$DATA/llr-local.conf" >/dev/null <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$PG_DIR/run'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 128MB
EOF
}

start() {
  if running; then
    wait_ready
    echo "$URL"
    return
  fi
  # A killed postmaster stays a zombie until init reaps it, and postgres refuses a pid file whose
  # pid still exists: wait out a zombie, drop a pid that another program has reused.
  local old i
  if old=$(pm_pid); then
    for ((i = 0; i < 20; i++)); do
      [[ $(cat "/proc/$old/stat" 2>/dev/null) == *") Z "* ]] || break
      sleep 0.5
    done
    [[ ! -e /proc/$old ]] || rm -f "$DATA/postmaster.pid"
  fi
  ! port_busy || die "127.0.0.1:$PORT is taken by another process (set LLR_PG_PORT)"
  mkdir -p "$PG_DIR/run" "$PG_DIR/log"
  [[ $EUID -ne 0 ]] || chown -R postgres: "$PG_DIR"
  as_pg test -w "$PG_DIR" || die "user postgres cannot write $PG_DIR (choose another LLR_LOCAL_DIR)"
  [[ -f $DATA/PG_VERSION ]] || init_cluster
  write_conf
  say "starting PostgreSQL on 127.0.0.1:$PORT"
  # 9>&- keeps the lock file descriptor out of the server, which outlives this script.
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 start >&2 9>&-; then
    log_tail
    die "PostgreSQL did not start (log: $LOG)"
  fi
  wait_ready
  echo "$URL"
}

stop() {
  if ! running; then
    say "not running"
    return
  fi
  if ! as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >&2; then
    local pid
    if pid=$(pm_pid) && running; then
      say "fast shutdown timed out; killing postmaster $pid"
      kill -KILL "$pid" || true
    fi
  fi
}

cmd=${1:-}
case $cmd in
  url) echo "$URL"; exit 0 ;;
  start | stop | status | reset) ;;
  *) echo "usage: $0 start|stop|status|url|reset" >&2; exit 2 ;;
esac

mkdir -p "$LOCAL_DIR"
BIN=
find_bin || [[ $cmd != start ]] || install_pg
if [[ $cmd == status ]]; then
  if running; then say "running on 127.0.0.1:$PORT"; exit 0; fi
  say "not running"
  exit 1
fi

# Concurrent callers (parallel test workers) must not race on initdb or start.
exec 9>"$LOCAL_DIR/.pg.lock"
flock -w 120 9 || die "timed out waiting for another postgres.sh"
case $cmd in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$PG_DIR"; say "removed $PG_DIR" ;;
esac
