// Cluster mode's wiring that needs no cluster: two of each service under the supervisor, on their own
// ports, and the cluster script's settings. The cluster itself is tested by jest.cluster.config.js.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { defaultServices } = require('../scripts/supervise.js');

const scripts = join(__dirname, '..', 'scripts');

test('VT_INSTANCES=2 runs two of each service, the second on its port + 10', () => {
  const services = defaultServices({ VT_INSTANCES: '2', GATEWAY_PORT: '4000' });
  assert.deepEqual(
    services.map((s) => [s.name, s.env]),
    [
      ['gateway-1', { GATEWAY_PORT: '4000' }],
      ['gateway-2', { GATEWAY_PORT: '4010' }],
      ['worker-1', { WORKER_PORT: '3002' }],
      ['worker-2', { WORKER_PORT: '3012' }],
      ['realtime-1', { REALTIME_PORT: '3001' }],
      ['realtime-2', { REALTIME_PORT: '3011' }],
      ['media-1', { MEDIA_PORT: '3003' }],
      ['media-2', { MEDIA_PORT: '3013' }],
    ],
  );
  assert.deepEqual(
    defaultServices({}).map((s) => [s.name, s.env]),
    ['gateway', 'worker', 'realtime', 'media'].map((name) => [name, undefined]),
  );
});

test('cluster.sh env points the services at the cluster frontend, on its own ports', () => {
  const run = (env) =>
    spawnSync('bash', [join(scripts, 'cluster.sh'), 'env'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
  const defaults = run({});
  assert.equal(defaults.status, 0, defaults.stderr);
  assert.match(defaults.stdout, /TEMPORAL_ADDRESS=127\.0\.0\.1:7243 TEMPORAL_UI_PORT=8243/);
  assert.match(run({ VT_TC_FRONTEND_PORT: '17243' }).stdout, /TEMPORAL_ADDRESS=127\.0\.0\.1:17243/);
});

test('the Temporal binaries are cached outside the clone, keyed by every pinned version', () => {
  const out = spawnSync(
    'bash',
    ['-c', `source ${JSON.stringify(join(scripts, 'lib.sh'))} && temporal_cluster_cache_dir`],
    { env: { ...process.env, XDG_CACHE_HOME: '/cache-home', VT_TEMPORAL_CACHE_DIR: '' }, encoding: 'utf8' },
  );
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout.trim(), /^\/cache-home\/vibetribe\/temporal-v[\d.]+-ui-v[\d.]+-go[\d.]+$/);
});
