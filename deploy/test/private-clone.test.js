// A clone under a private directory (root's home, any mode-700 parent): as root, PostgreSQL runs as the
// postgres user, which cannot enter .data/ there. `stack.sh up postgres` must still make and start the
// cluster (it keeps it outside, under /var/lib/vibetribe/), and `stack.sh wipe` must delete all of it.
// Runs on a free port with its own VT_STATE_DIR, so it never touches the stack in use. Run by `npm test`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { chmodSync, existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');

const stackSh = join(__dirname, '..', 'scripts', 'stack.sh');
const initdb = '/usr/lib/postgresql/15/bin/initdb';
const skip =
  process.getuid?.() !== 0
    ? 'only as root: the postgres user is then another user'
    : !existsSync(initdb)
      ? `no ${initdb}: run npm run setup`
      : false;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

test(
  'PostgreSQL starts for a clone under a mode-700 directory, and stack:wipe deletes all it made',
  { skip, timeout: 180_000 },
  async (t) => {
    const parent = mkdtempSync('/tmp/vt-private-');
    chmodSync(parent, 0o700);
    const state = join(parent, 'clone', '.data');
    const port = await freePort();
    const env = { ...process.env, VT_STATE_DIR: state, PGPORT: String(port) };
    const stack = (...args) =>
      spawnSync('bash', [stackSh, ...args], { env, encoding: 'utf8', timeout: 150_000 });
    let outside = null;
    t.after(() => {
      if (existsSync(join(state, 'postgres')) || (outside && existsSync(outside))) stack('wipe');
      rmSync(parent, { recursive: true, force: true });
    });

    const up = stack('up', 'postgres');
    assert.equal(up.status, 0, `stack.sh up postgres failed:\n${up.stderr}`);
    const link = join(state, 'postgres');
    assert.ok(lstatSync(link).isSymbolicLink(), '.data/postgres points outside the private directory');
    outside = readlinkSync(link);
    assert.match(outside, /^\/var\/lib\/vibetribe\/[\w.-]+-[0-9a-f]{12}$/);

    const psql = spawnSync(
      'psql',
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'vibetribe', '-d', 'vibetribe_test', '-tAc', 'SELECT 1'],
      { env: { ...env, PGPASSWORD: 'vibetribe' }, encoding: 'utf8' },
    );
    assert.equal(psql.stdout.trim(), '1', psql.stderr);

    const wipe = stack('wipe');
    assert.equal(wipe.status, 0, wipe.stderr);
    assert.ok(!existsSync(state), 'the state directory is gone');
    assert.ok(!existsSync(outside), `${outside} is gone`);
    const isready = spawnSync('/usr/lib/postgresql/15/bin/pg_isready', [
      '-q',
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
    ]);
    assert.notEqual(isready.status, 0, 'nothing listens on the port any more');
  },
);
