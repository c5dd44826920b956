#!/usr/bin/env bash
# `npm start`: set up this machine, start the local stack and the four services, print the URLs.
# Ctrl-C (or SIGTERM) stops the services gracefully, then the stack: no process is left behind.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export GATEWAY_PORT="${GATEWAY_PORT:-3000}" REALTIME_PORT="${REALTIME_PORT:-3001}" WORKER_PORT="${WORKER_PORT:-3002}" MEDIA_PORT="${MEDIA_PORT:-3003}"

if [ -f "$RUN_DIR/supervisor.pid" ] && kill -0 "$(cat "$RUN_DIR/supervisor.pid")" 2>/dev/null; then
  die "VibeTribe is already running (supervisor pid $(cat "$RUN_DIR/supervisor.pid")): API at http://127.0.0.1:$GATEWAY_PORT. Stop it with Ctrl-C in its terminal, or: kill $(cat "$RUN_DIR/supervisor.pid")"
fi
for p in "$GATEWAY_PORT" "$REALTIME_PORT" "$WORKER_PORT" "$MEDIA_PORT"; do
  port_open "$p" && die "port $p is already in use by another process; free it or set GATEWAY_PORT/REALTIME_PORT/WORKER_PORT/MEDIA_PORT"
done

bash "$ROOT/deploy/scripts/setup.sh"
use_project_node
bash "$ROOT/deploy/scripts/stack.sh" up
eval "$(bash "$ROOT/deploy/scripts/secrets.sh")"
export MEDIA_STORAGE_DIR="${MEDIA_STORAGE_DIR:-$STATE_DIR/media}"

stop_stack() { [ "${VT_KEEP_STACK:-}" = "1" ] || bash "$ROOT/deploy/scripts/stack.sh" down; }
trap stop_stack EXIT
# The supervisor runs in the foreground; Ctrl-C reaches it, it drains the services, then we stop the stack.
trap '' INT TERM
node "$ROOT/deploy/scripts/supervise.js" "$RUN_DIR/supervisor.pid" || true
