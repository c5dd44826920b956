import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@vibetribe/testing';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..', '..');
const CLUSTER_SH = join(ROOT, 'deploy', 'scripts', 'cluster.sh');

/** A Temporal service of the cluster that a test can stop and start again. */
export type ClusterService = 'frontend' | 'history' | 'matching' | 'worker' | 'ui';

/**
 * A private Temporal cluster (deploy/scripts/cluster.sh): the four server services as separate processes
 * and the Web UI, on free ports, with databases of its own on the stack's PostgreSQL, so it runs beside
 * the dev server and beside a developer's cluster.
 */
export interface TemporalCluster {
  address: string;
  uiUrl: string;
  stop(service: ClusterService): Promise<void>;
  start(service: ClusterService): Promise<void>;
  /** Stops every process, drops the databases and removes the state. */
  dispose(): Promise<void>;
}

/** Starts the cluster; the binaries must be built (test.sh builds them before the cluster suite). */
export async function startTemporalCluster(opts: { shards?: number } = {}): Promise<TemporalCluster> {
  const tag = randomUUID().slice(0, 8);
  const stateDir = mkdtempSync(join(tmpdir(), 'vt-temporal-cluster-'));
  const names = ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER'];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VT_TC_STATE_DIR: stateDir,
    VT_TC_DB: `temporal_test_${tag}`,
    VT_TC_VISIBILITY_DB: `temporal_visibility_test_${tag}`,
    VT_TC_SHARDS: String(opts.shards ?? 4),
  };
  for (const name of [...names, 'UI']) env[`VT_TC_${name}_PORT`] = String(await freePort());
  for (const name of names) env[`VT_TC_${name}_MEMBERSHIP_PORT`] = String(await freePort());
  const cluster = (...args: string[]) =>
    run('bash', [CLUSTER_SH, ...args], { env, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
  try {
    await cluster('up');
  } catch (err) {
    // What started before the failure must not outlive the test.
    await cluster('wipe').catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  return {
    address: `127.0.0.1:${env.VT_TC_FRONTEND_PORT}`,
    uiUrl: `http://127.0.0.1:${env.VT_TC_UI_PORT}`,
    stop: async (service) => void (await cluster('down', service)),
    start: async (service) => void (await cluster('up', service)),
    async dispose() {
      try {
        await cluster('wipe');
      } finally {
        rmSync(stateDir, { recursive: true, force: true });
      }
    },
  };
}
