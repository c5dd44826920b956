#!/usr/bin/env bash
# `npm test`: set up this machine, start the local stack, then lint, type-check and run the whole suite
# against the real PostgreSQL, Redis, NATS and Temporal, then the cluster-mode suite on a private Temporal
# cluster. Exits non-zero on any failure.
# It stops the stack services it started (pass, fail or Ctrl-C) and leaves running those that were already
# up; VT_KEEP_STACK=1 leaves running what it started too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$ROOT/deploy/scripts/run-stack.sh"
bash "$ROOT/deploy/scripts/setup.sh"
use_project_node
cd "$ROOT"
log "deploy scripts: node --test deploy/test (supervisor restarts, a clone under a private directory)"
node --test --test-reporter=spec "$ROOT"/deploy/test/*.test.js
stack_up_for_run
# The migrate step, as before a deploy (jest's global set-up runs it on the test database).
log "migrations: npm run migrate"
node "$ROOT/packages/database/dist/migrate-main.js" || die "migrations failed"
log "lint (eslint, zero warnings) and format (prettier)"
npx eslint . --max-warnings 0
npx prettier --check . >/dev/null || { npx prettier --check . ; die "prettier: files need formatting (npm run format)"; }
log "type-check (tsc --build, done by the build above)"
log "jest: the whole suite"
npx jest --ci "$@"
# Cluster mode: a private multi-process Temporal cluster and two of each service. The Temporal binaries are
# built here on first use (10+ minutes of CPU on 2 cores) and cached outside the clone; VT_SKIP_CLUSTER=1
# skips the suite, and so does running jest on named files (arguments given).
if [ "$#" -eq 0 ] && [ "${VT_SKIP_CLUSTER:-}" != 1 ]; then
  build_started=$SECONDS
  bash "$ROOT/deploy/scripts/temporal-build.sh" >/dev/null
  log "Temporal cluster binaries ready ($((SECONDS - build_started)) s)"
  log "jest: the cluster-mode suite (jest.cluster.config.js)"
  npx jest --ci -c "$ROOT/jest.cluster.config.js"
fi
