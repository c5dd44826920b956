#!/usr/bin/env bash
# Sandbox mode, sourced by start.sh: every platform without a client id (X_CLIENT_ID, LINKEDIN_CLIENT_ID,
# FACEBOOK_CLIENT_ID, INSTAGRAM_CLIENT_ID) is served by its emulator (packages/emulators, one process the
# supervisor runs), and the gateway and worker are pointed at it with a sandbox client; a platform whose
# client id and secret are set is the real one. Accounts connected to a sandboxed platform are marked
# `sandbox` (SANDBOX_PLATFORMS tells the gateway which).

# sandbox_env: exports the emulators' base URLs and sandbox clients for the platforms without credentials,
# and SANDBOX_PLATFORMS (comma-separated, empty when every platform is real). X is on
# SANDBOX_EMULATOR_PORT (default 4010); LinkedIn, Facebook and Instagram follow.
sandbox_env() {
  export SANDBOX_EMULATOR_PORT="${SANDBOX_EMULATOR_PORT:-4010}"
  local platforms=() i=0 p id secret url
  for p in x linkedin facebook instagram; do
    id="${p^^}_CLIENT_ID" secret="${p^^}_CLIENT_SECRET"
    url="http://127.0.0.1:$((SANDBOX_EMULATOR_PORT + i))"
    i=$((i + 1))
    if [ -n "${!id:-}" ]; then
      [ -n "${!secret:-}" ] || die "$id is set but $secret is not: set both to use the real $p, or neither for its sandbox"
      continue
    fi
    platforms+=("$p")
    export "$id=sandbox-$p" "$secret=sandbox-secret"
    case "$p" in
      x) export X_API_BASE_URL="$url" X_OAUTH_BASE_URL="$url" ;;
      linkedin) export LINKEDIN_API_BASE_URL="$url" LINKEDIN_OAUTH_BASE_URL="$url" ;;
      facebook) export FACEBOOK_GRAPH_BASE_URL="$url" FACEBOOK_GRAPH_VIDEO_BASE_URL="$url" FACEBOOK_DIALOG_BASE_URL="$url" ;;
      instagram) export INSTAGRAM_GRAPH_BASE_URL="$url" INSTAGRAM_OAUTH_BASE_URL="$url" ;;
    esac
  done
  SANDBOX_PLATFORMS="$(IFS=,; echo "${platforms[*]}")"
  export SANDBOX_PLATFORMS
}
