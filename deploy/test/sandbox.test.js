// Sandbox mode's wiring (deploy/scripts/sandbox.sh, supervise.js): which platforms npm start hands to the
// emulators, the URLs and clients the services then get, and the fifth child and banner line. Run by `npm test`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const { defaultServices, sandboxBanner } = require('../scripts/supervise.js');

const scripts = join(__dirname, '..', 'scripts');
const PLATFORM_KEYS = /^(X|LINKEDIN|FACEBOOK|INSTAGRAM)_|^SANDBOX_/;

/** The environment sandbox_env leaves, starting from `given` (and none of the caller's platform keys). */
function sandboxEnv(given) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !PLATFORM_KEYS.test(k)));
  const res = spawnSync(
    'bash',
    ['-c', `source "${scripts}/lib.sh"; source "${scripts}/sandbox.sh"; sandbox_env; env -0`],
    { env: { ...base, ...given }, encoding: 'utf8' },
  );
  if (res.status !== 0) return { error: res.stderr, status: res.status };
  return Object.fromEntries(
    res.stdout
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

test('with no client credentials every platform is sandboxed, on the emulator ports', () => {
  const env = sandboxEnv({});
  assert.equal(env.SANDBOX_PLATFORMS, 'x,linkedin,facebook,instagram');
  assert.equal(env.X_API_BASE_URL, 'http://127.0.0.1:4010');
  assert.equal(env.X_OAUTH_BASE_URL, 'http://127.0.0.1:4010');
  assert.equal(env.LINKEDIN_OAUTH_BASE_URL, 'http://127.0.0.1:4011');
  assert.equal(env.FACEBOOK_DIALOG_BASE_URL, 'http://127.0.0.1:4012');
  assert.equal(env.INSTAGRAM_GRAPH_BASE_URL, 'http://127.0.0.1:4013');
  assert.equal(env.X_CLIENT_ID, 'sandbox-x');
  assert.equal(env.INSTAGRAM_CLIENT_SECRET, 'sandbox-secret');
});

test('a platform with client id and secret is real: its URLs and client are left alone', () => {
  const env = sandboxEnv({
    X_CLIENT_ID: 'real-id',
    X_CLIENT_SECRET: 'real-secret',
    SANDBOX_EMULATOR_PORT: '5100',
  });
  assert.equal(env.SANDBOX_PLATFORMS, 'linkedin,facebook,instagram');
  assert.equal(env.X_CLIENT_ID, 'real-id');
  assert.equal(env.X_API_BASE_URL, undefined);
  assert.equal(env.LINKEDIN_API_BASE_URL, 'http://127.0.0.1:5101');
  const all = sandboxEnv(
    Object.fromEntries(
      ['X', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM'].flatMap((p) => [
        [`${p}_CLIENT_ID`, 'i'],
        [`${p}_CLIENT_SECRET`, 's'],
      ]),
    ),
  );
  assert.equal(all.SANDBOX_PLATFORMS, '');
});

test('a client id without its secret stops start-up', () => {
  const res = sandboxEnv({ LINKEDIN_CLIENT_ID: 'id' });
  assert.equal(res.status, 1);
  assert.match(res.error, /LINKEDIN_CLIENT_ID is set but LINKEDIN_CLIENT_SECRET is not/);
});

test('the supervisor runs the emulators first in sandbox mode, and the banner says so', () => {
  assert.deepEqual(
    defaultServices({}).map((s) => s.name),
    ['gateway', 'worker', 'realtime', 'media'],
  );
  const sandboxed = defaultServices({ SANDBOX_PLATFORMS: 'x' });
  assert.deepEqual(
    sandboxed.map((s) => s.name),
    ['emulators', 'gateway', 'worker', 'realtime', 'media'],
  );
  assert.match(sandboxed[0].args.at(-1), /packages\/emulators\/dist\/sandbox\/main\.js$/);
  assert.equal(sandboxBanner({}), '');
  assert.match(
    sandboxBanner({ SANDBOX_PLATFORMS: 'x,linkedin', SANDBOX_EMULATOR_PORT: '4010' }),
    /Sandbox mode {3}x,linkedin .*http:\/\/127\.0\.0\.1:4010/,
  );
});
