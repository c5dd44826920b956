#!/usr/bin/env bash
# `npm run bench -- [name ...]`: set up this machine, start the local stack, then run the benchmarks
# (packages/bench) against it with the test set-up's environment, on a database of its own
# (`vibetribe_bench`, made empty for every run).
# Each result is one JSON line on stdout; everything else goes to stderr (`npm run -s bench` keeps
# npm's own banner off stdout too). Names: api, media, queue-stats, realtime, scheduling (or a result's
# name); none runs all.
# `--cluster` runs them against the multi-process Temporal cluster (deploy/scripts/cluster.sh) instead of the
# dev server; `--workers N` runs N publishing workers on the task queue (scheduling). Results name both.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
names=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --cluster) export VT_TEMPORAL=cluster;;
    --workers) export BENCH_WORKERS="${2:?--workers needs a number}"; shift;;
    *) names+=("$1");;
  esac
  shift
done
set -- "${names[@]}"
export BENCH_TEMPORAL_MODE="${VT_TEMPORAL:-dev}"
bash "$ROOT/deploy/scripts/setup.sh" >&2
use_project_node
bash "$ROOT/deploy/scripts/stack.sh" up >&2
if [ "$BENCH_TEMPORAL_MODE" = cluster ]; then eval "$(bash "$ROOT/deploy/scripts/cluster.sh" env)"
else export BENCH_TEMPORAL_PID="$(head -n1 "$RUN_DIR/temporal.pid" 2>/dev/null || true)"; fi
cd "$ROOT"
# The same variables the jest set-up gives every test (packages/testing/jest/setup-env.js).
while IFS= read -r assignment; do export "$assignment"; done < <(node -e '
  require("./packages/testing/jest/setup-env.js");
  for (const k of ["NODE_ENV", "LOG_LEVEL", "DATABASE_URL", "REDIS_URL", "NATS_URL", "TEMPORAL_ADDRESS", "ENCRYPTION_KEY"])
    console.log(`${k}=${process.env[k]}`);
')
# A database of its own, emptied for every run: the rows tests leave in vibetribe_test (due posts whose
# workflows are gone) would be repaired by the worker's stalled-post sweep in the middle of a run.
BENCH_DATABASE="${DATABASE_URL##*/}"
BENCH_DATABASE="${BENCH_DATABASE%_test}_bench"
psql -X -q -v ON_ERROR_STOP=1 "${DATABASE_URL%/*}/postgres" \
  -c "DROP DATABASE IF EXISTS \"$BENCH_DATABASE\" WITH (FORCE)" \
  -c "CREATE DATABASE \"$BENCH_DATABASE\"" >&2 || die "could not create $BENCH_DATABASE"
export DATABASE_URL="${DATABASE_URL%/*}/$BENCH_DATABASE"
# The migrate step (the services it starts only check the schema).
node "$ROOT/packages/database/dist/migrate-main.js" >&2 || die "migrations failed"
log "benchmarks: ${*:-all} (database ${DATABASE_URL##*/}, Temporal $BENCH_TEMPORAL_MODE at $TEMPORAL_ADDRESS, ${BENCH_WORKERS:-1} worker(s))"
exec node "$ROOT/packages/bench/dist/main.js" "$@"
