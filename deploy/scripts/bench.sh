#!/usr/bin/env bash
# `npm run bench -- [name ...]`: set up this machine, start the local stack, then run the benchmarks
# (packages/bench) against it with the test set-up's environment (the `vibetribe_test` database).
# Each result is one JSON line on stdout; everything else goes to stderr (`npm run -s bench` keeps
# npm's own banner off stdout too). Names: api, media, queue-stats, realtime, scheduling (or a result's
# name); none runs all.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/deploy/scripts/setup.sh" >&2
use_project_node
bash "$ROOT/deploy/scripts/stack.sh" up >&2
cd "$ROOT"
# The same variables the jest set-up gives every test (packages/testing/jest/setup-env.js).
while IFS= read -r assignment; do export "$assignment"; done < <(node -e '
  require("./packages/testing/jest/setup-env.js");
  for (const k of ["NODE_ENV", "LOG_LEVEL", "DATABASE_URL", "REDIS_URL", "NATS_URL", "TEMPORAL_ADDRESS", "ENCRYPTION_KEY"])
    console.log(`${k}=${process.env[k]}`);
')
# The migrate step (the services it starts only check the schema).
node "$ROOT/packages/database/dist/migrate-main.js" >&2 || die "migrations failed"
log "benchmarks: ${*:-all} (database ${DATABASE_URL##*/})"
exec node "$ROOT/packages/bench/dist/main.js" "$@"
