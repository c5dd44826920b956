/**
 * `npm run bench -- [name ...]`: runs the named benchmarks (all groups when none is named). Each prints
 * one JSON line per result on stdout; progress goes to stderr. A group's name runs its default
 * results; a result's name runs that result alone (results named together share one set-up).
 * Groups: `api` (api-list-posts, api-create-post), `media` (media-upload), `queue-stats`, `realtime`
 * (realtime-fanout) and `scheduling` (scheduling-capacity,
 * scheduling-half-capacity, scheduling-lateness, scheduling-burst; by name only:
 * scheduling-lateness-baseline, publish-throughput).
 */
import { apiBench } from './api';
import { config } from './config';
import { mediaBench } from './media';
import { queueStatsBench } from './queue-stats';
import { realtimeBench } from './realtime';
import { progress } from './report';
import { SCHEDULING_BY_NAME, SCHEDULING_RESULTS, schedulingBench } from './scheduling';

interface Group {
  /** Results the group's name runs. */
  results: readonly string[];
  /** Further results run only when named. */
  byName: readonly string[];
  run: (asked: ReadonlySet<string>) => Promise<void>;
}

const GROUPS: Record<string, Group> = {
  api: { results: ['api-list-posts', 'api-create-post'], byName: [], run: () => apiBench(config) },
  media: { results: ['media-upload'], byName: [], run: () => mediaBench(config) },
  'queue-stats': { results: ['queue-stats'], byName: [], run: () => queueStatsBench(config) },
  realtime: { results: ['realtime-fanout'], byName: [], run: () => realtimeBench(config) },
  scheduling: {
    results: SCHEDULING_RESULTS,
    byName: SCHEDULING_BY_NAME,
    run: (asked) => schedulingBench(config, asked),
  },
};

/** The results asked for, by group, groups in the order first named. */
function resolve(names: readonly string[]): Map<string, Set<string>> {
  const asked = new Map<string, Set<string>>();
  const add = (group: string, results: readonly string[]) => {
    const set = asked.get(group) ?? new Set<string>();
    results.forEach((r) => set.add(r));
    asked.set(group, set);
  };
  for (const name of names.length ? names : Object.keys(GROUPS)) {
    if (GROUPS[name]) {
      add(name, GROUPS[name].results);
      continue;
    }
    const group = Object.keys(GROUPS).find((g) =>
      [...GROUPS[g]!.results, ...GROUPS[g]!.byName].includes(name),
    );
    if (!group) {
      const known = Object.entries(GROUPS).flatMap(([g, b]) => [g, ...b.results, ...b.byName]);
      throw new Error(`unknown benchmark "${name}"; known: ${known.join(', ')}`);
    }
    add(group, [name]);
  }
  return asked;
}

async function main(): Promise<void> {
  for (const [group, results] of resolve(process.argv.slice(2))) {
    progress(`--- ${group}: ${[...results].join(', ')}`);
    await GROUPS[group]!.run(results);
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
