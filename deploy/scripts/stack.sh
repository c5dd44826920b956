#!/usr/bin/env bash
# The local stack: PostgreSQL 15, Redis 7, NATS (JetStream) and the Temporal dev server with its Web UI.
# Usage: stack.sh up|down [--cluster] [postgres|redis|nats|temporal ...] (none: all four), stack.sh status|wipe.
# --cluster (or VT_TEMPORAL=cluster) makes "temporal" the multi-process Temporal cluster of cluster.sh.
# Idempotent; every server binds to loopback and keeps its state under .data/ (git-ignored), so scheduled
# workflows survive a restart. With VT_STACK_STARTED_FILE set, `up` appends to that file the name of each
# service it starts (not those already running), so a caller can stop exactly what it started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=(postgres redis nats temporal)
SEARCH_ATTRIBUTES=(VtPostId=Keyword VtOrgId=Keyword VtScheduledAt=Datetime VtPostStatus=Keyword)
# Where PostgreSQL's files go when the postgres user cannot reach .data/ (see pg_locate).
PG_OUTSIDE_BASE="${VT_PG_OUTSIDE_BASE:-/var/lib/vibetribe}"

pid_alive() { [ -f "$1" ] && kill -0 "$(head -n1 "$1")" 2>/dev/null; }
# As root the server runs as the postgres user; from / so that no command starts in a directory it cannot enter.
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
record_started() { if [ -n "${VT_STACK_STARTED_FILE:-}" ]; then echo "$1" >>"$VT_STACK_STARTED_FILE"; fi; }
# require_free NAME PORT: a foreign process on our port is an error worth naming, not a silent success.
require_free() { if port_open "$2"; then die "$1: port $2 is already in use by another process (set ${3:-its port variable} to move it)"; fi; }

# PostgreSQL's data directory, socket directory and log: the postgres user (the server's user when we are
# root) opens them by path, so it must be able to enter every directory above them. A clone under a private
# directory (root's home, any mode-700 parent) hides .data/ from it; then they live in
# $PG_OUTSIDE_BASE/<clone>-<hash of the state directory's path>/ (one per clone, no collisions), and the
# symlink .data/postgres points there: it records the choice, and stack:wipe deletes both. A cluster
# already in .data/postgres stays there while the postgres user can reach it, and moves out if not.
pg_locate() {
  PG_OUTSIDE=""
  if [ -L "$STATE_DIR/postgres" ]; then
    PG_OUTSIDE="$(readlink "$STATE_DIR/postgres")"
    PG_DATA="$PG_OUTSIDE/data" PG_SOCK="$PG_OUTSIDE/run" PG_LOG="$PG_OUTSIDE/postgres.log"
  else
    PG_DATA="$STATE_DIR/postgres" PG_SOCK="$RUN_DIR/pg" PG_LOG="$LOG_DIR/postgres.log"
  fi
}

# pg_reaches_state: true when the postgres user can enter .data/, its logs/ and run/ (always, unless root).
pg_reaches_state() {
  [ "$(id -u)" -ne 0 ] || as_pg test -x "$STATE_DIR" -a -x "$LOG_DIR" -a -x "$RUN_DIR" 2>/dev/null
}

# pg_place: called by `up` before the cluster is made or started; moves PostgreSQL outside .data/ when needed.
pg_place() {
  pg_locate
  local real name owner
  real="$(cd "$STATE_DIR" && pwd -P)"
  if [ -n "$PG_OUTSIDE" ]; then
    # A copy of .data/ (cp -a) would share the cluster with the original: refuse. A moved clone takes it along.
    owner="$(cat "$PG_OUTSIDE/.vibetribe-state-dir" 2>/dev/null || true)"
    if [ -n "$owner" ] && [ "$owner" != "$real" ]; then
      if [ "$(readlink "$owner/postgres" 2>/dev/null)" = "$PG_OUTSIDE" ]; then
        die "$STATE_DIR/postgres points at $PG_OUTSIDE, which belongs to $owner: remove the symlink $STATE_DIR/postgres to get a cluster of its own"
      fi
      echo "$real" >"$PG_OUTSIDE/.vibetribe-state-dir"
    fi
    return 0
  fi
  pg_reaches_state && return 0
  id -u postgres >/dev/null 2>&1 || die "there is no postgres user: run 'npm run setup' first"
  name="$(basename "$ROOT" | tr -c 'A-Za-z0-9._\n-' '_')-$(printf '%s' "$real" | sha1sum | cut -c1-12)"
  PG_OUTSIDE="$PG_OUTSIDE_BASE/$name"
  log "the postgres user cannot reach $STATE_DIR (a parent directory is private): keeping PostgreSQL in $PG_OUTSIDE"
  if [ ! -d "$PG_OUTSIDE_BASE" ]; then mkdir -p "$PG_OUTSIDE_BASE"; chmod 755 "$PG_OUTSIDE_BASE"; fi
  mkdir -p "$PG_OUTSIDE"
  chmod 755 "$PG_OUTSIDE"
  echo "$real" >"$PG_OUTSIDE/.vibetribe-state-dir"
  if [ -d "$STATE_DIR/postgres" ]; then
    if pid_alive "$STATE_DIR/postgres/postmaster.pid"; then die "postgres is running from $STATE_DIR/postgres: stop it first"; fi
    log "moving $STATE_DIR/postgres there"
    mv "$STATE_DIR/postgres" "$PG_OUTSIDE/data"
    rm -rf "$RUN_DIR/pg"
    if [ -f "$LOG_DIR/postgres.log" ]; then mv "$LOG_DIR/postgres.log" "$PG_OUTSIDE/postgres.log"; fi
  fi
  ln -sfn "$PG_OUTSIDE" "$STATE_DIR/postgres"
  ln -sfn "$PG_OUTSIDE/postgres.log" "$LOG_DIR/postgres.log"
  pg_locate
}

# pg_remove_outside: for wipe; deletes the outside directory only when it carries our marker.
pg_remove_outside() {
  pg_locate
  [ -n "$PG_OUTSIDE" ] || return 0
  if [ -f "$PG_OUTSIDE/.vibetribe-state-dir" ]; then
    log "wiping $PG_OUTSIDE (PostgreSQL, kept outside $STATE_DIR)"
    rm -rf "$PG_OUTSIDE"
    rmdir "$PG_OUTSIDE_BASE" 2>/dev/null || true
  elif [ -e "$PG_OUTSIDE" ]; then
    log "not deleting $PG_OUTSIDE: it has no .vibetribe-state-dir marker, so it is not ours"
  fi
}

postgres_up() {
  pg_place
  if [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then log "postgres already running on $PGPORT"; else
    require_free postgres "$PGPORT" PGPORT
    mkdir -p "$PG_DATA" "$PG_SOCK"
    touch "$PG_LOG"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DATA" "$PG_SOCK" "$PG_LOG"; chmod 700 "$PG_DATA"; fi
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
      log "initialising postgres cluster in $PG_DATA"
      as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$LOG_DIR/postgres-init.log" 2>&1 \
        || die "postgres initdb failed; see $LOG_DIR/postgres-init.log"
    fi
    log "starting postgres on 127.0.0.1:$PGPORT"
    record_started postgres
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_SOCK -c max_connections=300" start >/dev/null 2>&1 \
      || die "postgres failed to start; see $LOG_DIR/postgres.log"
  fi
  wait_for postgres "$LOG_DIR/postgres.log" 60 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
  local q="SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'"
  if [ "$(as_pg psql -h "$PG_SOCK" -p "$PGPORT" -U postgres -d postgres -tAc "$q")" != 1 ]; then
    as_pg psql -q -h "$PG_SOCK" -p "$PGPORT" -U postgres -d postgres -c "CREATE ROLE \"$PGUSER\" LOGIN SUPERUSER PASSWORD '$PGPASSWORD'" >/dev/null
  fi
  for db in "$PGDATABASE" "${PGDATABASE}_test"; do
    if [ "$(as_pg psql -h "$PG_SOCK" -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
      as_pg psql -q -h "$PG_SOCK" -p "$PGPORT" -U postgres -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$PGUSER\"" >/dev/null
    fi
  done
}

redis_up() {
  if pid_alive "$RUN_DIR/redis.pid"; then log "redis already running on $REDIS_PORT"; else
    require_free redis "$REDIS_PORT" REDIS_PORT
    mkdir -p "$STATE_DIR/redis"
    log "starting redis on 127.0.0.1:$REDIS_PORT (AOF on, noeviction)"
    record_started redis
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STATE_DIR/redis" --appendonly yes \
      --maxmemory-policy noeviction --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$LOG_DIR/redis.log" \
      --save "" >/dev/null || die "redis failed to start; see $LOG_DIR/redis.log"
  fi
  wait_for redis "$LOG_DIR/redis.log" 30 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
}

nats_up() {
  if pid_alive "$RUN_DIR/nats.pid"; then log "nats already running on $NATS_PORT"; else
    require_free nats "$NATS_PORT" NATS_PORT
    mkdir -p "$STATE_DIR/nats"
    log "starting nats-server with JetStream on 127.0.0.1:$NATS_PORT"
    record_started nats
    setsid nohup nats-server -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" -js -sd "$STATE_DIR/nats" \
      -P "$RUN_DIR/nats.pid" >>"$LOG_DIR/nats.log" 2>&1 </dev/null &
  fi
  wait_for nats "$LOG_DIR/nats.log" 30 curl -fsS "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true"
}

# Cluster mode (VT_TEMPORAL=cluster, or `stack.sh up --cluster`): "temporal" is the multi-process cluster of
# cluster.sh on its own ports, instead of the dev server.
temporal_cluster() { [ "${VT_TEMPORAL:-dev}" = cluster ]; }

temporal_up() {
  if temporal_cluster; then
    bash "$ROOT/deploy/scripts/cluster.sh" status >/dev/null 2>&1 || record_started temporal
    bash "$ROOT/deploy/scripts/cluster.sh" up
    return
  fi
  if pid_alive "$RUN_DIR/temporal.pid"; then log "temporal already running on $TEMPORAL_PORT"; else
    require_free temporal "$TEMPORAL_PORT" TEMPORAL_PORT
    require_free temporal-ui "$TEMPORAL_UI_PORT" TEMPORAL_UI_PORT
    mkdir -p "$STATE_DIR/temporal"
    local sa_flags=()
    for sa in "${SEARCH_ATTRIBUTES[@]}"; do sa_flags+=(--search-attribute "$sa"); done
    # WAL with synchronous=normal: about 3x the workflow starts per second of the default rollback journal
    # (35 → 101 starts/s measured by the scheduling benchmark), still durable across process restarts.
    # Eager activity execution: a worker that completes a workflow task gets the activity it scheduled in
    # the same response, instead of the server queueing it for the next poll (one round trip per post).
    # Timer and transfer queue polls: the dev server has one history shard, and each queue polls at most
    # 20 times a second by default, so posts falling due together wait for a poll to fire their timers
    # and to hand the woken workflow task to matching.
    log "starting temporal dev server on 127.0.0.1:$TEMPORAL_PORT (Web UI on $TEMPORAL_UI_PORT)"
    record_started temporal
    setsid nohup "$TEMPORAL_CLI_PATH" server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --db-filename "$STATE_DIR/temporal/temporal.db" --namespace "$TEMPORAL_NAMESPACE" --log-level warn \
      --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
      --dynamic-config-value system.enableActivityEagerExecution=true \
      --dynamic-config-value history.timerProcessorMaxPollRPS=200 \
      --dynamic-config-value history.transferProcessorMaxPollRPS=200 \
      "${sa_flags[@]}" >>"$LOG_DIR/temporal.log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/temporal.pid"
  fi
  wait_for temporal "$LOG_DIR/temporal.log" 90 "$TEMPORAL_CLI_PATH" operator cluster health --address "$TEMPORAL_ADDRESS"
  wait_for temporal-ui "$LOG_DIR/temporal.log" 30 curl -fsS "http://127.0.0.1:$TEMPORAL_UI_PORT/"
}

stop_pidfile() {
  local name="$1" pidfile="$2"
  pid_alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  local pid; pid="$(head -n1 "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

postgres_down() {
  pg_locate
  if [ -f "$PG_DATA/postmaster.pid" ]; then log "stopping postgres"; as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true; fi
}
redis_down() {
  if pid_alive "$RUN_DIR/redis.pid"; then
    log "stopping redis (pid $(head -n1 "$RUN_DIR/redis.pid"))"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  fi
  stop_pidfile redis "$RUN_DIR/redis.pid"
}
nats_down() { stop_pidfile nats "$RUN_DIR/nats.pid"; }
temporal_down() {
  if temporal_cluster; then bash "$ROOT/deploy/scripts/cluster.sh" down; else stop_pidfile temporal "$RUN_DIR/temporal.pid"; fi
}

# selected SERVICE...: the named services (checked), or all four; in start order.
selected() {
  local want=("$@") s w
  [ "${#want[@]}" -gt 0 ] || want=("${SERVICES[@]}")
  for w in "${want[@]}"; do
    case " ${SERVICES[*]} " in *" $w "*) ;; *) die "unknown service '$w' (one of: ${SERVICES[*]})";; esac
  done
  for s in "${SERVICES[@]}"; do
    for w in "${want[@]}"; do if [ "$s" = "$w" ]; then echo "$s"; break; fi; done
  done
}

up() {
  local services
  services="$(selected "$@")"
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  case " $(echo $services) " in
    *" temporal "*) [ -x "$TEMPORAL_CLI_PATH" ] || die "the Temporal CLI is not installed; run 'npm run setup' first";;
  esac
  for s in $services; do "${s}_up"; done
}

# down stops in reverse start order: temporal first (it is the servers' client), postgres last.
down() {
  local services
  services="$(selected "$@" | tac)"
  for s in $services; do "${s}_down"; done
}

status() {
  local rc=0
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && echo "postgres  up    127.0.0.1:$PGPORT" || { echo "postgres  down"; rc=1; }
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis     up    127.0.0.1:$REDIS_PORT" || { echo "redis     down"; rc=1; }
  curl -fsS "http://127.0.0.1:$NATS_MONITOR_PORT/healthz" >/dev/null 2>&1 && echo "nats      up    $NATS_URL" || { echo "nats      down"; rc=1; }
  if temporal_cluster; then bash "$ROOT/deploy/scripts/cluster.sh" status || rc=1; return $rc; fi
  "$TEMPORAL_CLI_PATH" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 \
    && echo "temporal  up    $TEMPORAL_ADDRESS (UI http://127.0.0.1:$TEMPORAL_UI_PORT)" || { echo "temporal  down"; rc=1; }
  return $rc
}

cmd="${1:-}"
shift || true
if [ "${1:-}" = --cluster ]; then shift; export VT_TEMPORAL=cluster; fi
if temporal_cluster; then eval "$(bash "$ROOT/deploy/scripts/cluster.sh" env)"; fi
case "$cmd" in
  up)
    up "$@"
    if [ "$#" -eq 0 ]; then
      log "stack ready: postgres :$PGPORT, redis :$REDIS_PORT, nats :$NATS_PORT, temporal ${VT_TEMPORAL:-dev} $TEMPORAL_ADDRESS (UI http://127.0.0.1:$TEMPORAL_UI_PORT)"
    fi;;
  down) down "$@";;
  status) status;;
  wipe)
    # The cluster's pid files live in .data/ too: stop it whichever mode this is, before they go.
    VT_TEMPORAL=cluster temporal_down
    down
    pg_remove_outside
    log "wiping $STATE_DIR (databases, queues, streams, workflow history)"
    rm -rf "$STATE_DIR";;
  *) echo "usage: $0 up|down [postgres|redis|nats|temporal ...] | status | wipe" >&2; exit 2;;
esac
