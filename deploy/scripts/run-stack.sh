#!/usr/bin/env bash
# Sourced by test.sh and start.sh after lib.sh: stack_up_for_run starts the stack and, when the script ends
# (normally, on an error or on Ctrl-C/SIGTERM/SIGHUP), stops the services it started itself. Services that
# were already up stay up, so a run beside a stack someone else is using leaves that stack alone.
# VT_KEEP_STACK=1 leaves running what it started too.
STACK_STARTED_FILE="$RUN_DIR/stack-started.$$"

stop_started_stack() {
  local started
  started="$(cat "$STACK_STARTED_FILE" 2>/dev/null || true)"
  rm -f "$STACK_STARTED_FILE"
  [ -n "$started" ] || return 0
  if [ "${VT_KEEP_STACK:-}" = "1" ]; then log "VT_KEEP_STACK=1: leaving running what this run started: $(echo $started)"; return 0; fi
  log "stopping the stack services this run started: $(echo $started)"
  bash "$ROOT/deploy/scripts/stack.sh" down $started || log "stopping the stack failed; see npm run stack:status"
}

stack_up_for_run() {
  mkdir -p "$RUN_DIR"
  : >"$STACK_STARTED_FILE"
  trap stop_started_stack EXIT
  # A signal ends the script through `exit`, so the EXIT trap runs whatever was in the foreground.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  VT_STACK_STARTED_FILE="$STACK_STARTED_FILE" bash "$ROOT/deploy/scripts/stack.sh" up
}
