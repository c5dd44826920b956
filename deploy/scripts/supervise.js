// Runs the four services as child processes with prefixed logs. On SIGINT/SIGTERM it asks each to stop
// (they drain: HTTP stops accepting first, the worker finishes its tasks, queues and sockets close),
// waits up to 30 s, then kills what is left. If a service dies on its own, everything stops.
'use strict';
const { spawn } = require('node:child_process');
const { writeFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const pidFile = process.argv[2];
const services = [
  ['gateway', 'services/gateway/dist/main.js'],
  ['worker', 'services/worker/dist/main.js'],
  ['realtime', 'services/realtime/dist/main.js'],
  ['media', 'services/media/dist/main.js'],
];
const colors = { gateway: 36, worker: 35, realtime: 33, media: 32 };
const children = new Map();
let stopping = false;

function prefixLines(name, stream, out) {
  let buf = '';
  stream.on('data', (chunk) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const line of lines) out.write(`\x1b[${colors[name]}m${name.padEnd(8)}\x1b[0m| ${line}\n`);
  });
}

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping services (graceful, up to 30 s)...');
  for (const child of children.values()) child.kill('SIGTERM');
  const killer = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 30_000);
  const done = () => {
    if (children.size > 0) return;
    clearTimeout(killer);
    if (pidFile) rmSync(pidFile, { force: true });
    process.exit(code);
  };
  for (const [name, child] of children)
    child.once('exit', () => {
      children.delete(name);
      done();
    });
  done();
}

if (pidFile) writeFileSync(pidFile, String(process.pid));
for (const [name, entry] of services) {
  // detached: its own process group, so a terminal's Ctrl-C reaches only us and each service gets one SIGTERM.
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, entry)], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  prefixLines(name, child.stdout, process.stdout);
  prefixLines(name, child.stderr, process.stderr);
  children.set(name, child);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping everything`);
      children.delete(name);
      stopAll(1);
    }
  });
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

const g = process.env.GATEWAY_PORT,
  r = process.env.REALTIME_PORT;
setTimeout(() => {
  if (stopping) return;
  console.log(`
  VibeTribe is starting. When /readyz answers 200:
    API            http://127.0.0.1:${g}/api/v1
    API docs       http://127.0.0.1:${g}/api/v1/docs
    Readiness      http://127.0.0.1:${g}/readyz
    Socket.IO      http://127.0.0.1:${r}
    Temporal UI    http://127.0.0.1:${process.env.TEMPORAL_UI_PORT}
  Ctrl-C stops everything.
`);
}, 1500);
