#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL cluster for Groundgame's tests and development:
# no containers, no system service, just the Debian PostgreSQL binaries running as the
# `postgres` user on a data directory of our own. The last line on stdout is the connection
# URL (a superuser role `groundgame`, so tests can create and drop databases); everything
# else goes to stderr, so `url=$(scripts/pg-cluster.sh)` works.
#
#   scripts/pg-cluster.sh [start]   start it, or reuse the one already running; print the URL
#   scripts/pg-cluster.sh restart   restart it on the same port (tests restart it mid-run)
#   scripts/pg-cluster.sh stop      stop it (the data is kept for the next start)
#
# The cluster lives in ${GROUNDGAME_PG_DIR:-/tmp/groundgame-pg}: data/ (the cluster), run/
# (its unix socket), port (the TCP port it listens on, on 127.0.0.1 only), postgres.log.
# fsync stays on: the crash-safety tests need commits that really reach the disk.
# Debian 12, run as root; `postgresql` is installed by scripts/setup.sh.
set -euo pipefail

log() { echo "pg-cluster: $*" >&2; }
die() {
  log "$*"
  exit 1
}

action="${1:-start}"
case "$action" in
  start | stop | restart) ;;
  *) die "usage: $0 [start|stop|restart]" ;;
esac

# The newest PostgreSQL installed.
major=""
if [ -d /usr/lib/postgresql ]; then
  major=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)
fi
bin="/usr/lib/postgresql/$major/bin"
if [ -z "$major" ] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ] || [ ! -x "$bin/postgres" ]; then
  die "no PostgreSQL under /usr/lib/postgresql; install the postgresql package (scripts/setup.sh)"
fi

getent passwd postgres >/dev/null || die "no postgres system user; install the postgresql package"
if [ "$(id -u)" != 0 ] && [ "$(id -un)" != postgres ]; then
  die "run as root (it runs PostgreSQL as the postgres user)"
fi

dir="${GROUNDGAME_PG_DIR:-/tmp/groundgame-pg}"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
data="$dir/data"
sock="$dir/run"
port_file="$dir/port"
conf="$data/groundgame.conf"
logfile="$dir/postgres.log"

# The postgres user may not be able to enter the caller's working directory.
cd /

# Run a command as the postgres user. Without fd 9 (the lock below): a server started
# with it would hold the lock for as long as it runs.
as_pg() {
  if [ "$(id -un)" = postgres ]; then
    "$@" 9>&-
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@" 9>&-
  else
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")" 9>&-
  fi
}

# The pid in postmaster.pid, if any.
postmaster_pid() {
  [ -f "$data/postmaster.pid" ] && head -n 1 "$data/postmaster.pid" | tr -dc '0-9'
  return 0
}

# A server killed with SIGKILL stays a zombie until init reaps it, and pg_ctl (and a new
# server) still see its pid alive: wait that out, so a start after a crash just works.
zombie() {
  local pid="$1"
  [ -n "$pid" ] && [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ]
}

running() {
  local pid i
  pid=$(postmaster_pid)
  for ((i = 0; i < 60; i++)); do
    zombie "$pid" || break
    sleep 0.5
  done
  zombie "$pid" && die "PostgreSQL's old server process $pid was never reaped"
  as_pg "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# The port of the running server (line 4 of postmaster.pid), else the one it had last time.
current_port() {
  local p=""
  if running && [ -f "$data/postmaster.pid" ]; then
    p=$(sed -n 4p "$data/postmaster.pid" | tr -dc '0-9')
  fi
  if [ -z "$p" ] && [ -f "$port_file" ]; then
    p=$(tr -dc '0-9' <"$port_file")
  fi
  echo "$p"
}

# True when nothing listens on 127.0.0.1:$1 and we may bind it.
port_free() {
  if command -v python3 >/dev/null 2>&1; then
    python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket()
# As the server binds: a port whose last connections linger in TIME_WAIT is free.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
  else
    # Nothing answers a connection there.
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 1
    fi
  fi
}

pick_port() {
  local p
  for ((p = 55432; p < 55632; p++)); do
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  die "no free port in 55432-55631"
}

wait_ready() {
  local port="$1" i
  for ((i = 0; i < 120; i++)); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres && return 0
    sleep 0.5
  done
  die "PostgreSQL on port $port does not accept connections; see $logfile"
}

init_cluster() {
  local locale=C
  if locale -a 2>/dev/null | grep -Eqi '^c\.utf-?8$'; then
    locale=C.UTF-8
  fi
  log "creating a PostgreSQL $major cluster in $data (locale $locale)"
  as_pg "$bin/initdb" -D "$data" --auth=trust --username=postgres -E UTF8 \
    --locale="$locale" --no-instructions >&2
  # Our settings live in one file of our own, read last so they win.
  echo "include_if_exists = 'groundgame.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null
}

# Our settings, with the port to listen on.
write_conf() {
  as_pg tee "$conf" >/dev/null <<EOF
# Written by scripts/pg-cluster.sh on every start: edits are lost.
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 128MB
# Never off: the tests check what survives a crash.
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
EOF
  echo "$1" | as_pg tee "$port_file" >/dev/null
}

start_server() {
  local i
  log "starting PostgreSQL $major on 127.0.0.1:$1"
  # After a crash the old server's children may take a moment to notice and exit; until
  # they have, the new server refuses to start (its shared memory is still in use).
  for ((i = 1; i <= 5; i++)); do
    as_pg "$bin/pg_ctl" start -w -t 120 -D "$data" -l "$logfile" >&2 && return 0
    log "start attempt $i failed; retrying"
    sleep 1
  done
  die "PostgreSQL did not start; see $logfile"
}

ensure_role() {
  local port="$1" psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$1" -U postgres -d postgres)
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'groundgame'")" != 1 ]; then
    log "creating role groundgame"
    "${psql[@]}" -c "CREATE ROLE groundgame LOGIN SUPERUSER" >&2
  fi
  echo "postgres://groundgame@127.0.0.1:$port/postgres"
}

# The whole cluster directory belongs to postgres.
mkdir -p "$dir"
chown postgres: "$dir"
chmod 0700 "$dir"
as_pg mkdir -p "$sock"

# One run at a time (tests started in parallel all call this).
exec 9>>"$dir/lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi

if [ -f "$data/PG_VERSION" ]; then
  have=$(cat "$data/PG_VERSION")
  [ "$have" = "$major" ] \
    || die "$data is a PostgreSQL $have cluster, but PostgreSQL $major is installed; remove $dir"
fi

case "$action" in
  stop)
    if running; then
      log "stopping PostgreSQL ($data)"
      as_pg "$bin/pg_ctl" stop -w -t 120 -m fast -D "$data" >&2
    else
      log "not running"
    fi
    ;;
  restart)
    port=$(current_port)
    if running && [ -n "$port" ]; then
      log "restarting PostgreSQL on 127.0.0.1:$port"
      as_pg "$bin/pg_ctl" restart -w -t 120 -m fast -D "$data" -l "$logfile" >&2 \
        || die "PostgreSQL did not restart; see $logfile"
    else
      [ -f "$data/PG_VERSION" ] || init_cluster
      # Same port as last time whenever it is still free.
      if [ -z "$port" ] || ! port_free "$port"; then port=$(pick_port); fi
      write_conf "$port"
      start_server "$port"
    fi
    wait_ready "$port"
    ensure_role "$port"
    ;;
  start)
    port=$(current_port)
    if running && [ -n "$port" ]; then
      log "reusing PostgreSQL on 127.0.0.1:$port"
      echo "$port" | as_pg tee "$port_file" >/dev/null
    else
      [ -f "$data/PG_VERSION" ] || init_cluster
      if [ -z "$port" ] || ! port_free "$port"; then port=$(pick_port); fi
      write_conf "$port"
      start_server "$port"
    fi
    wait_ready "$port"
    ensure_role "$port"
    ;;
esac
