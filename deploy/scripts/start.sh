#!/usr/bin/env bash
# `npm start`: set up this machine, start the local stack and the four services, print the URLs.
# A service that crashes is restarted with backoff (deploy/scripts/supervise.js). Ctrl-C (or SIGTERM)
# stops the services gracefully, then the stack services this run started (those already up stay up):
# no process is left behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/deploy/scripts/run-stack.sh"
source "$ROOT/deploy/scripts/sandbox.sh"
export GATEWAY_PORT="${GATEWAY_PORT:-3000}" REALTIME_PORT="${REALTIME_PORT:-3001}" WORKER_PORT="${WORKER_PORT:-3002}" MEDIA_PORT="${MEDIA_PORT:-3003}"
# Cluster mode (VT_TEMPORAL=cluster): the multi-process Temporal cluster of cluster.sh instead of the dev
# server, and two of each service (VT_INSTANCES; the second on each port + 10).
if [ "${VT_TEMPORAL:-dev}" = cluster ]; then
  eval "$(bash "$ROOT/deploy/scripts/cluster.sh" env)"
  export VT_INSTANCES="${VT_INSTANCES:-2}"
fi

if [ -f "$RUN_DIR/supervisor.pid" ] && kill -0 "$(cat "$RUN_DIR/supervisor.pid")" 2>/dev/null; then
  die "VibeTribe is already running (supervisor pid $(cat "$RUN_DIR/supervisor.pid")): API at http://127.0.0.1:$GATEWAY_PORT. Stop it with Ctrl-C in its terminal, or: kill $(cat "$RUN_DIR/supervisor.pid")"
fi
# The OAuth callback and signed media URLs name the gateway as the browser reaches it.
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$GATEWAY_PORT}"
sandbox_env
sandbox_ports=()
[ -z "$SANDBOX_PLATFORMS" ] || sandbox_ports=($(seq "$SANDBOX_EMULATOR_PORT" $((SANDBOX_EMULATOR_PORT + 3))))
service_ports=()
for i in $(seq 0 $((${VT_INSTANCES:-1} - 1))); do
  for p in "$GATEWAY_PORT" "$REALTIME_PORT" "$WORKER_PORT" "$MEDIA_PORT"; do service_ports+=($((p + 10 * i))); done
done
for p in "${service_ports[@]}" "${sandbox_ports[@]}"; do
  port_open "$p" && die "port $p is already in use by another process; free it or set GATEWAY_PORT/REALTIME_PORT/WORKER_PORT/MEDIA_PORT/SANDBOX_EMULATOR_PORT"
done

bash "$ROOT/deploy/scripts/setup.sh"
use_project_node
stack_up_for_run
if [ "${VT_TEMPORAL:-dev}" = cluster ]; then bash "$ROOT/deploy/scripts/cluster.sh" budget; fi
eval "$(bash "$ROOT/deploy/scripts/secrets.sh")"
export MEDIA_STORAGE_DIR="${MEDIA_STORAGE_DIR:-$STATE_DIR/media}"
# Migrations are one step before the services start; the services only check the schema (README: Migrations).
log "migrations: npm run migrate"
node "$ROOT/packages/database/dist/migrate-main.js" || die "migrations failed"

# The supervisor runs in the background of this script so that a signal sent to the script alone (SIGTERM
# from npm, kill, a process manager) reaches it too; Ctrl-C in a terminal reaches both, and it stops once.
node "$ROOT/deploy/scripts/supervise.js" "$RUN_DIR/supervisor.pid" &
supervisor=$!
trap 'kill -TERM "$supervisor" 2>/dev/null || true' INT TERM HUP
# wait returns early (128+N) when a signal runs the trap; wait again until the supervisor has ended.
while :; do
  status=0
  wait "$supervisor" || status=$?
  kill -0 "$supervisor" 2>/dev/null || break
done
exit "$status"
