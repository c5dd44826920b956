#!/usr/bin/env bash
# `npm test`: set up this machine, start the local stack, then lint, type-check and run the whole suite
# against the real PostgreSQL, Redis, NATS and Temporal. Exits non-zero on any failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/deploy/scripts/setup.sh"
use_project_node
bash "$ROOT/deploy/scripts/stack.sh" up
cd "$ROOT"
log "lint (eslint, zero warnings) and format (prettier)"
npx eslint . --max-warnings 0
npx prettier --check . >/dev/null || { npx prettier --check . ; die "prettier: files need formatting (npm run format)"; }
log "type-check (tsc --build, done by the build above)"
log "jest: the whole suite"
npx jest --ci "$@"
