/**
 * `npm run bench -- [name ...]`: runs the named benchmarks (all when none is named). Each prints one JSON
 * line per result on stdout; progress goes to stderr. Names: `api` (api-list-posts, api-create-post) and
 * `scheduling` (scheduling-lateness, publish-throughput, scheduling-lateness-baseline); a result's name
 * runs its group.
 */
import { apiBench } from './api';
import { config } from './config';
import { progress } from './report';
import { schedulingBench } from './scheduling';

const BENCHES: Record<string, { results: string[]; run: () => Promise<void> }> = {
  api: { results: ['api-list-posts', 'api-create-post'], run: () => apiBench(config) },
  scheduling: {
    results: ['scheduling-lateness', 'publish-throughput', 'scheduling-lateness-baseline'],
    run: () => schedulingBench(config),
  },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const names = new Set<string>();
  for (const name of asked.length ? asked : Object.keys(BENCHES)) {
    const group = BENCHES[name] ? name : Object.keys(BENCHES).find((g) => BENCHES[g]!.results.includes(name));
    if (!group) {
      const known = Object.entries(BENCHES).flatMap(([g, b]) => [g, ...b.results]);
      throw new Error(`unknown benchmark "${name}"; known: ${known.join(', ')}`);
    }
    names.add(group);
  }
  for (const name of names) {
    progress(`--- ${name}`);
    await BENCHES[name]!.run();
  }
}

// Exit once the results are out: a client library's lingering handle (Temporal's native connection,
// a pool's idle timer) must not keep the run, and whoever waits for it, from finishing.
main().then(
  () => {
    progress('done');
    process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
