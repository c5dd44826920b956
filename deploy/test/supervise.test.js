// The supervisor (deploy/scripts/supervise.js): a crashing service is restarted with a doubling, capped
// backoff that starts over after the service stays up a while, the others run on, each crash is logged,
// and a signal stops everything, process groups included. Run by `npm test` (node --test deploy/test).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { once } = require('node:events');
const { backoffDelay, createSupervisor } = require('../scripts/supervise.js');

const fake = join(__dirname, 'fixtures', 'fake-service.js');
const supervisePath = join(__dirname, '..', 'scripts', 'supervise.js');
const sink = { write: () => true };

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'vt-supervise-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function service(dir, name, plan) {
  return { name, command: process.execPath, args: [fake, join(dir, `${name}.runs`), plan] };
}

/** True while `pid` is a live process (a zombie counts as gone). */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitUntil(what, predicate, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the delay doubles from the initial one and is capped', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n));
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
});

test('a crashing service is restarted with backoff, logged, and the others keep running', async (t) => {
  const dir = tempDir(t);
  const lines = [];
  // Four quick crashes (one by SIGKILL), a run that outlives resetAfterMs, one more crash, then it stays up.
  const sup = createSupervisor({
    services: [service(dir, 'steady', ''), service(dir, 'flaky', '0,kill,0,0,2500,0')],
    stdout: sink,
    stderr: sink,
    log: (line) => lines.push(line),
    initialDelayMs: 50,
    maxDelayMs: 200,
    resetAfterMs: 1_500,
    stopTimeoutMs: 5_000,
  });
  const starts = [];
  const crashes = [];
  sup.on('start', (e) => starts.push({ ...e, at: Date.now() }));
  sup.on('crash', (e) => crashes.push({ ...e, at: Date.now() }));
  t.after(() => sup.stop());
  sup.start();
  await waitUntil(
    'the seventh start of flaky',
    () => starts.filter((s) => s.name === 'flaky').length === 7,
    20_000,
  );

  assert.deepEqual(
    crashes.map((c) => [c.name, c.crashes, c.delayMs, c.signal ?? c.code]),
    [
      ['flaky', 1, 50, 3],
      ['flaky', 2, 100, 'SIGKILL'],
      ['flaky', 3, 200, 3],
      ['flaky', 4, 200, 3],
      ['flaky', 1, 50, 3],
      ['flaky', 2, 100, 3],
    ],
  );
  const flakyStarts = starts.filter((s) => s.name === 'flaky');
  crashes.forEach((c, i) =>
    assert.ok(flakyStarts[i + 1].at - c.at >= c.delayMs - 5, `restart ${i + 1} waited its delay`),
  );
  assert.equal(
    starts.filter((s) => s.name === 'steady').length,
    1,
    'steady was started once and never stopped',
  );
  assert.ok(alive(starts.find((s) => s.name === 'steady').pid));
  assert.match(
    lines.join('\n'),
    /flaky exited with code 3 after \d+ ms; restarting in 50 ms \(crash 1 in a row\)/,
  );
  assert.match(
    lines.join('\n'),
    /flaky was killed by SIGKILL after \d+ ms; restarting in 100 ms \(crash 2 in a row\)/,
  );

  await sup.stop();
  for (const { pid } of starts) assert.ok(!alive(pid), `pid ${pid} is gone`);
});

test('stop() during a backoff wait stops at once and restarts nothing', async (t) => {
  const dir = tempDir(t);
  const sup = createSupervisor({
    services: [service(dir, 'crasher', '0,0,0')],
    stdout: sink,
    stderr: sink,
    log: () => {},
    initialDelayMs: 10_000,
  });
  let starts = 0;
  sup.on('start', () => (starts += 1));
  sup.start();
  await once(sup, 'crash');
  const t0 = Date.now();
  await sup.stop();
  assert.ok(Date.now() - t0 < 1_000, 'stop did not wait for the backoff');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(starts, 1);
});

test('SIGTERM stops every service, kills one that ignores it with its process group, and exits 0', async (t) => {
  const dir = tempDir(t);
  const pidFile = join(dir, 'supervisor.pid');
  const services = [
    service(dir, 'steady', ''),
    service(dir, 'stubborn', 'stubborn'),
    service(dir, 'crasher', '0,0,0,0,0,0,0,0'),
  ];
  const script = `require(${JSON.stringify(supervisePath)}).main(${JSON.stringify({
    pidFile,
    services,
    banner: false,
    initialDelayMs: 20,
    maxDelayMs: 40,
    stopTimeoutMs: 500,
  })})`;
  const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => proc.kill('SIGKILL'));
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const pids = () =>
    [...out.matchAll(/pid=(\d+) child=(\d+|none)/g)]
      .flatMap((m) => m.slice(1))
      .filter((p) => p !== 'none')
      .map(Number);
  await waitUntil('steady and stubborn (and its child) to report their pids', () => pids().length === 3);
  await waitUntil('a logged crash', () => /crasher exited with code 3 .* restarting in \d+ ms/.test(out));
  assert.equal(readFileSync(pidFile, 'utf8'), String(proc.pid));

  proc.kill('SIGTERM');
  const [code] = await once(proc, 'exit');
  assert.equal(code, 0, out);
  assert.match(out, /stubborn did not stop in 500 ms; killing it/);
  await waitUntil('every service process to be gone', () => pids().every((pid) => !alive(pid)), 2_000);
  assert.ok(!existsSync(pidFile), 'the pid file is removed');
});
