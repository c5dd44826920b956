#!/usr/bin/env bash
# Cluster mode's Temporal: the frontend, history, matching and worker services as four processes, plus the
# Web UI server, on the project's PostgreSQL (databases VT_TC_DB and VT_TC_VISIBILITY_DB), with
# VT_TC_SHARDS history shards. Binaries from temporal-build.sh (built on first use, cached per version).
# Usage: cluster.sh up [service ...] | down [service ...] | status | wipe | env | budget
#   up      builds if needed, creates the databases and their schema, starts what is not running (all five,
#           or the named ones: frontend history matching worker ui), registers the namespace and our
#           search attributes. Idempotent.
#   down    stops the named services (all by default): SIGTERM, then SIGKILL after 10 s.
#   wipe    down, then drops both databases (the shard count is fixed when the schema is made).
#   env     prints the variables a VibeTribe service needs to use this cluster (TEMPORAL_ADDRESS …).
#   budget  sums the PostgreSQL pools of cluster mode's processes; fails when over max_connections.
# Every VT_TC_* variable below can be set from the environment; the tests run a private cluster this way.
# Membership ports must be below 32768 (the server keeps them in a smallint column).
# The ports are not the dev server's (7233/8233), so the cluster runs beside it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export VT_TC_FRONTEND_PORT="${VT_TC_FRONTEND_PORT:-7243}"
export VT_TC_HISTORY_PORT="${VT_TC_HISTORY_PORT:-7244}"
export VT_TC_MATCHING_PORT="${VT_TC_MATCHING_PORT:-7245}"
export VT_TC_WORKER_PORT="${VT_TC_WORKER_PORT:-7246}"
export VT_TC_FRONTEND_MEMBERSHIP_PORT="${VT_TC_FRONTEND_MEMBERSHIP_PORT:-6943}"
export VT_TC_HISTORY_MEMBERSHIP_PORT="${VT_TC_HISTORY_MEMBERSHIP_PORT:-6944}"
export VT_TC_MATCHING_MEMBERSHIP_PORT="${VT_TC_MATCHING_MEMBERSHIP_PORT:-6945}"
export VT_TC_WORKER_MEMBERSHIP_PORT="${VT_TC_WORKER_MEMBERSHIP_PORT:-6946}"
export VT_TC_UI_PORT="${VT_TC_UI_PORT:-8243}"
export VT_TC_SHARDS="${VT_TC_SHARDS:-4}"
export VT_TC_DB="${VT_TC_DB:-temporal}"
export VT_TC_VISIBILITY_DB="${VT_TC_VISIBILITY_DB:-temporal_visibility}"
# PostgreSQL connections per Temporal process (see the README's connection budget).
export VT_TC_PG_POOL="${VT_TC_PG_POOL:-10}"
export VT_TC_PG_VISIBILITY_POOL="${VT_TC_PG_VISIBILITY_POOL:-2}"
export VT_TC_LOG_LEVEL="${VT_TC_LOG_LEVEL:-warn}"
export VT_TC_DYNAMIC_CONFIG="${VT_TC_DYNAMIC_CONFIG:-$ROOT/deploy/temporal/dynamicconfig.yaml}"
TC_DIR="${VT_TC_STATE_DIR:-$STATE_DIR/temporal-cluster}"
case "$TC_DIR" in /*) ;; *) TC_DIR="$PWD/$TC_DIR";; esac
TC_ADDRESS="127.0.0.1:$VT_TC_FRONTEND_PORT"
SERVICES=(history matching frontend worker ui)
SEARCH_ATTRIBUTES=(VtPostId=Keyword VtOrgId=Keyword VtScheduledAt=Datetime VtPostStatus=Keyword)

pidfile() { echo "$TC_DIR/run/$1.pid"; }
running() { local f; f="$(pidfile "$1")"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
port_of() {
  case "$1" in
    frontend) echo "$VT_TC_FRONTEND_PORT";; history) echo "$VT_TC_HISTORY_PORT";;
    matching) echo "$VT_TC_MATCHING_PORT";; worker) echo "$VT_TC_WORKER_PORT";; ui) echo "$VT_TC_UI_PORT";;
  esac
}
psql_pg() { PGDATABASE=postgres psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$@"; }

# schema DB DIR: creates the database when missing, then brings its schema to the newest version (the SQL
# tool applies only the versions a database lacks).
schema() {
  local db="$1" dir="$2"
  local tool=("$BIN/temporal-sql-tool" --plugin postgres12 --ep "$PGHOST" -p "$PGPORT" -u "$PGUSER" --pw "$PGPASSWORD" --db "$db")
  if [ "$(psql_pg -tAc "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
    log "creating database $db"
    "${tool[@]}" create-database >>"$TC_DIR/logs/schema.log" 2>&1 || die "creating $db failed; see $TC_DIR/logs/schema.log"
  fi
  if [ "$(PGDATABASE="$db" psql -X -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -tAc "SELECT to_regclass('schema_version') IS NOT NULL")" != t ]; then
    "${tool[@]}" setup-schema -v 0.0 >>"$TC_DIR/logs/schema.log" 2>&1 || die "schema set-up of $db failed; see $TC_DIR/logs/schema.log"
  fi
  "${tool[@]}" update-schema -d "$dir" >>"$TC_DIR/logs/schema.log" 2>&1 || die "schema update of $db failed; see $TC_DIR/logs/schema.log"
}

start_service() {
  local svc="$1" port
  running "$svc" && return 0
  port="$(port_of "$svc")"
  port_open "$port" && die "temporal $svc: port $port is already in use by another process (set VT_TC_${svc^^}_PORT)"
  log "starting temporal $svc on 127.0.0.1:$port"
  if [ "$svc" = ui ]; then
    setsid nohup "$BIN/temporal-ui-server" --root "$ROOT/deploy/temporal" --config ui --env cluster start \
      >>"$TC_DIR/logs/ui.log" 2>&1 </dev/null &
  else
    setsid nohup "$BIN/temporal-server" --config-file "$ROOT/deploy/temporal/cluster.yaml" --allow-no-auth \
      start --service "$svc" >>"$TC_DIR/logs/$svc.log" 2>&1 </dev/null &
  fi
  echo $! >"$(pidfile "$svc")"
}

# metadata_written: the database holds the cluster's metadata record (the first server process writes it).
metadata_written() {
  [ "$(PGDATABASE="$VT_TC_DB" psql -X -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -tAc "SELECT count(*) FROM cluster_metadata_info")" -gt 0 ]
}

# Every server process writes the cluster metadata record when the database has none, as an insert that
# only one can win: the others exit ("failed to initialize current cluster metadata"). On a new database,
# start one process alone and wait for its record before the rest.
first_start() {
  local first="$1"
  metadata_written && return 0
  start_service "$first"
  local deadline=$((SECONDS + 60))
  until metadata_written; do
    running "$first" || die "temporal $first exited; the end of its log ($TC_DIR/logs/$first.log): $(tail -c 600 "$TC_DIR/logs/$first.log")"
    [ "$SECONDS" -lt "$deadline" ] || die "temporal $first wrote no cluster metadata within 60s; see $TC_DIR/logs/$first.log"
    sleep 0.3
  done
}

register() {
  local cli=("$TEMPORAL_CLI_PATH" --address "$TC_ADDRESS")
  if ! "${cli[@]}" operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
    log "registering namespace $TEMPORAL_NAMESPACE"
    wait_for "namespace $TEMPORAL_NAMESPACE" "$TC_DIR/logs/frontend.log" 60 \
      "${cli[@]}" operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention 72h
  fi
  local have sa
  have="$("${cli[@]}" operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" 2>/dev/null || true)"
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do
    grep -qw "${sa%%=*}" <<<"$have" && continue
    log "registering search attribute $sa"
    # A namespace just registered reaches the frontend's cache within seconds: retry until it has.
    wait_for "search attribute $sa" "$TC_DIR/logs/frontend.log" 60 \
      "${cli[@]}" operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "${sa%%=*}" --type "${sa#*=}"
  done
  # The frontend refreshes its search-attribute cache on a timer: wait until a query by ours is accepted.
  wait_for "search attributes" "$TC_DIR/logs/frontend.log" 90 \
    "${cli[@]}" workflow count --namespace "$TEMPORAL_NAMESPACE" --query 'VtPostId="probe" AND VtScheduledAt > "2000-01-01T00:00:00Z"'
}

selected() {
  [ "$#" -gt 0 ] || set -- "${SERVICES[@]}"
  local s
  for s in "$@"; do case " ${SERVICES[*]} " in *" $s "*) echo "$s";; *) die "unknown service '$s' (one of: ${SERVICES[*]})";; esac; done
}

up() {
  mkdir -p "$TC_DIR/logs" "$TC_DIR/run"
  [ -x "$TEMPORAL_CLI_PATH" ] || die "the Temporal CLI is not installed; run 'npm run setup' first"
  BIN="$(bash "$ROOT/deploy/scripts/temporal-build.sh")/bin"
  "$PG_BIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL is not up on $PGPORT: npm run stack:up -- postgres"
  schema "$VT_TC_DB" "$BIN/../schema/v12/temporal/versioned"
  schema "$VT_TC_VISIBILITY_DB" "$BIN/../schema/v12/visibility/versioned"
  local svc first
  first="$(selected "$@" | grep -vx ui | head -n1 || true)"
  [ -z "$first" ] || first_start "$first"
  for svc in $(selected "$@"); do start_service "$svc"; done
  wait_for "temporal cluster frontend" "$TC_DIR/logs/frontend.log" 120 "$TEMPORAL_CLI_PATH" operator cluster health --address "$TC_ADDRESS"
  register
  for svc in $(selected "$@"); do
    running "$svc" || die "temporal $svc exited; the end of its log ($TC_DIR/logs/$svc.log): $(tail -c 600 "$TC_DIR/logs/$svc.log")"
  done
  if [ -f "$(pidfile ui)" ]; then wait_for temporal-ui "$TC_DIR/logs/ui.log" 30 curl -fsS "http://127.0.0.1:$VT_TC_UI_PORT/"; fi
  log "temporal cluster ready: $TC_ADDRESS ($VT_TC_SHARDS history shards), UI http://127.0.0.1:$VT_TC_UI_PORT, logs in $TC_DIR/logs"
}

down() {
  local svc pid
  for svc in $(selected "$@" | tac); do
    running "$svc" || { rm -f "$(pidfile "$svc")"; continue; }
    pid="$(cat "$(pidfile "$svc")")"
    log "stopping temporal $svc (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$(pidfile "$svc")"
  done
}

status() {
  local rc=0 svc
  for svc in "${SERVICES[@]}"; do
    if running "$svc"; then printf '%-9s up    127.0.0.1:%s (pid %s)\n' "$svc" "$(port_of "$svc")" "$(cat "$(pidfile "$svc")")"
    else printf '%-9s down\n' "$svc"; rc=1; fi
  done
  return $rc
}

# budget: the PostgreSQL connections cluster mode may open at most (every pool full: VT_INSTANCES of each
# service, the four Temporal processes), checked against max_connections; the README's table, computed.
budget() {
  local n="${VT_INSTANCES:-2}" gateway="${DATABASE_POOL_MAX:-10}" worker realtime=5 media=10 temporal total max
  worker="${DATABASE_POOL_MAX:-$((${WORKER_MAX_CONCURRENT_ACTIVITIES:-20} + ${WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES:-20} + 4))}"
  temporal=$((4 * (VT_TC_PG_POOL + VT_TC_PG_VISIBILITY_POOL)))
  total=$((n * (gateway + worker + realtime + media) + temporal))
  max="$(psql_pg -tAc 'SHOW max_connections')"
  log "connection budget: $n × (gateway $gateway + worker $worker + realtime $realtime + media $media) + Temporal $temporal = $total of max_connections $max"
  [ "$total" -lt "$max" ] || die "the pools can open $total PostgreSQL connections, over max_connections $max: lower DATABASE_POOL_MAX, the worker's slots, VT_TC_PG_POOL or VT_INSTANCES"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  up) up "$@";;
  down) down "$@";;
  status) status;;
  budget) budget;;
  wipe)
    down
    for db in "$VT_TC_DB" "$VT_TC_VISIBILITY_DB"; do psql_pg -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done
    rm -rf "$TC_DIR";;
  env) printf 'export TEMPORAL_ADDRESS=%q TEMPORAL_UI_PORT=%q\n' "$TC_ADDRESS" "$VT_TC_UI_PORT";;
  *) echo "usage: $0 up|down [frontend|history|matching|worker|ui ...] | status | wipe | env | budget" >&2; exit 2;;
esac
