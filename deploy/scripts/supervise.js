// Runs the four services as child processes with prefixed logs and keeps them up: a service that exits on
// its own is logged (which one, its exit code or signal, how long it ran, the next delay) and started
// again after a backoff that doubles from 1 s to 30 s and starts over once the service has stayed up for
// 60 s. The other services keep running meanwhile. On SIGINT/SIGTERM/SIGHUP it asks each service to stop
// (they drain: HTTP stops accepting first, the worker finishes its tasks, queues and sockets close), waits
// up to 30 s, then kills what is left with its process group; a second signal kills at once.
'use strict';
const { spawn } = require('node:child_process');
const { EventEmitter } = require('node:events');
const { writeFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');

/** Restart and stop timings; the tests pass shorter ones. */
const DEFAULTS = { initialDelayMs: 1_000, maxDelayMs: 30_000, resetAfterMs: 60_000, stopTimeoutMs: 30_000 };

/**
 * The four services, each a Node entry point built by `npm run build`, and first, in sandbox mode
 * (SANDBOX_PLATFORMS set by deploy/scripts/sandbox.sh), the platform emulators as a fifth child.
 */
function defaultServices(env = process.env) {
  const services = ['gateway', 'worker', 'realtime', 'media'].flatMap((name) =>
    instancePorts(name, env).map((port, i, all) => ({
      name: all.length > 1 ? `${name}-${i + 1}` : name,
      command: process.execPath,
      args: ['--enable-source-maps', join(root, 'services', name, 'dist', 'main.js')],
      ...(all.length > 1 ? { env: { [PORT_VARS[name]]: String(port) } } : {}),
    })),
  );
  if (!env.SANDBOX_PLATFORMS) return services;
  const emulators = join(root, 'packages', 'emulators', 'dist', 'sandbox', 'main.js');
  return [
    { name: 'emulators', command: process.execPath, args: ['--enable-source-maps', emulators] },
    ...services,
  ];
}

const PORT_VARS = {
  gateway: 'GATEWAY_PORT',
  worker: 'WORKER_PORT',
  realtime: 'REALTIME_PORT',
  media: 'MEDIA_PORT',
};
const DEFAULT_PORTS = { gateway: 3000, realtime: 3001, worker: 3002, media: 3003 };

/**
 * The ports of a service's instances: VT_INSTANCES of each (cluster mode runs 2), the first on its port
 * variable, each next one 10 above the one before (gateway 3000, 3010; realtime 3001, 3011; …).
 */
function instancePorts(name, env = process.env) {
  const n = Math.max(1, Number(env.VT_INSTANCES ?? 1) || 1);
  const base = Number(env[PORT_VARS[name]] ?? DEFAULT_PORTS[name]);
  return Array.from({ length: n }, (_, i) => base + 10 * i);
}

/** The banner's sandbox line: which platforms the emulators stand in for, and where; '' when none. */
function sandboxBanner(env = process.env) {
  if (!env.SANDBOX_PLATFORMS) return '';
  const port = Number(env.SANDBOX_EMULATOR_PORT ?? 4010);
  return `    Sandbox mode   ${env.SANDBOX_PLATFORMS} (no client credentials set): emulator at http://127.0.0.1:${port} (X; LinkedIn, Facebook, Instagram on the next ports)\n`;
}

/** The delay before restarting a service that has crashed `crashes` times in a row (1 for the first). */
function backoffDelay(crashes, { initialDelayMs, maxDelayMs } = DEFAULTS) {
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, crashes - 1));
}

function formatMs(ms) {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`;
}

const COLORS = [36, 35, 33, 32, 34, 31];

/**
 * Keeps `services` running. Emits 'start' {name, pid}, 'crash' {name, code, signal, upMs, crashes,
 * delayMs} and 'exit' {name, code, signal} (an exit asked for by stop()). `log` receives the supervisor's
 * own lines (crashes, restarts, stopping).
 */
function createSupervisor({
  services,
  cwd = root,
  env = process.env,
  stdout = process.stdout,
  stderr = process.stderr,
  log,
  ...timings
}) {
  const opts = { ...DEFAULTS, ...timings };
  const say = log ?? ((line) => stdout.write(`${'supervisor'.padEnd(10)}| ${line}\n`));
  const events = new EventEmitter();
  const states = services.map((spec, i) => ({
    spec,
    color: COLORS[i % COLORS.length],
    child: null,
    startedAt: 0,
    crashes: 0,
    timer: null,
  }));
  let stopping = null;

  function pipeLines(state, stream, out) {
    let buf = '';
    const prefix = `\x1b[${state.color}m${state.spec.name.padEnd(10)}\x1b[0m| `;
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) out.write(prefix + line + '\n');
    });
    stream.on('end', () => buf && out.write(prefix + buf + '\n'));
  }

  function launch(state) {
    const { name, command, args = [] } = state.spec;
    // detached: its own process group, so a terminal's Ctrl-C reaches only us and each service gets one
    // SIGTERM; the group is how we find what a service left behind.
    // A spec's own env (an instance's port) goes on top of the supervisor's.
    const childEnv = state.spec.env ? { ...env, ...state.spec.env } : env;
    const child = spawn(command, args, {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    state.child = child;
    state.startedAt = Date.now();
    pipeLines(state, child.stdout, stdout);
    pipeLines(state, child.stderr, stderr);
    let ended = false;
    const onEnd = (code, signal) => {
      if (ended) return;
      ended = true;
      onExit(state, child, code, signal);
    };
    child.on('exit', onEnd);
    child.on('error', (err) => {
      say(`${name} could not be started: ${err.message}`);
      if (child.pid === undefined) onEnd(null, null);
    });
    if (child.pid !== undefined) events.emit('start', { name, pid: child.pid });
  }

  function onExit(state, child, code, signal) {
    state.child = null;
    killGroup(child, 'SIGKILL'); // whatever the service started and left behind
    const { name } = state.spec;
    if (stopping) {
      events.emit('exit', { name, code, signal });
      return;
    }
    const upMs = Date.now() - state.startedAt;
    state.crashes = upMs >= opts.resetAfterMs ? 1 : state.crashes + 1;
    const delayMs = backoffDelay(state.crashes, opts);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    say(
      `${name} ${how} after ${formatMs(upMs)}; restarting in ${formatMs(delayMs)} (crash ${state.crashes} in a row)`,
    );
    events.emit('crash', { name, code, signal, upMs, crashes: state.crashes, delayMs });
    state.timer = setTimeout(() => {
      state.timer = null;
      if (!stopping) {
        say(`restarting ${name}`);
        launch(state);
      }
    }, delayMs);
  }

  function killGroup(child, signal) {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone
    }
  }

  /** Starts every service. */
  function start() {
    for (const state of states) launch(state);
  }

  /** Stops every service (SIGTERM, then SIGKILL to its group after stopTimeoutMs); resolves once all have exited. */
  function stop() {
    if (stopping) return stopping;
    stopping = new Promise((resolve) => {
      const running = [];
      for (const state of states) {
        clearTimeout(state.timer);
        state.timer = null;
        if (state.child) running.push(state.child);
      }
      const pending = new Set(running);
      const killer = setTimeout(() => {
        for (const child of pending) {
          say(
            `${states.find((s) => s.child === child)?.spec.name ?? child.pid} did not stop in ${formatMs(opts.stopTimeoutMs)}; killing it`,
          );
          killGroup(child, 'SIGKILL');
        }
      }, opts.stopTimeoutMs);
      const done = () => {
        if (pending.size > 0) return;
        clearTimeout(killer);
        resolve();
      };
      for (const child of running) {
        child.once('exit', () => {
          pending.delete(child);
          done();
        });
        child.kill('SIGTERM');
      }
      done();
    });
    return stopping;
  }

  /** Kills every running service's process group now (a second Ctrl-C). */
  function kill() {
    for (const state of states) if (state.child) killGroup(state.child, 'SIGKILL');
  }

  /** The pids of the services running now, by name. */
  function pids() {
    return Object.fromEntries(states.filter((s) => s.child).map((s) => [s.spec.name, s.child.pid]));
  }

  return { start, stop, kill, pids, on: events.on.bind(events), once: events.once.bind(events) };
}

/** The CLI: supervise the services until SIGINT/SIGTERM/SIGHUP, writing our pid to `pidFile` meanwhile. */
function main({ pidFile, services = defaultServices(), banner = true, ...options } = {}) {
  const supervisor = createSupervisor({ services, ...options });
  if (pidFile) writeFileSync(pidFile, String(process.pid));
  let signals = 0;
  const onSignal = (signal) => {
    signals += 1;
    if (signals > 1) {
      console.log(`${signal} again: killing the services now`);
      supervisor.kill();
      return;
    }
    console.log(
      `\n${signal}: stopping services (graceful, up to ${formatMs(options.stopTimeoutMs ?? DEFAULTS.stopTimeoutMs)}; again to kill them now)...`,
    );
    void supervisor.stop().then(() => {
      if (pidFile) rmSync(pidFile, { force: true });
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  supervisor.start();
  if (banner) {
    const g = process.env.GATEWAY_PORT;
    const urls = (name, path) =>
      instancePorts(name)
        .map((port) => `http://127.0.0.1:${port}${path}`)
        .join(', ');
    setTimeout(() => {
      if (signals > 0) return;
      console.log(`
  VibeTribe is starting. When /readyz answers 200:
    API            ${urls('gateway', '/api/v1')}
    API docs       http://127.0.0.1:${g}/api/v1/docs
    Readiness      ${urls('gateway', '/readyz')}
    Socket.IO      ${urls('realtime', '')}
    Temporal UI    http://127.0.0.1:${process.env.TEMPORAL_UI_PORT}${process.env.VT_TEMPORAL === 'cluster' ? ` (cluster at ${process.env.TEMPORAL_ADDRESS})` : ''}
${sandboxBanner()}  A service that crashes is restarted (1 s, doubling to 30 s). Ctrl-C stops everything.
`);
    }, 1500).unref();
  }
  return supervisor;
}

module.exports = {
  DEFAULTS,
  backoffDelay,
  createSupervisor,
  defaultServices,
  instancePorts,
  main,
  sandboxBanner,
};

if (require.main === module) main({ pidFile: process.argv[2] });
