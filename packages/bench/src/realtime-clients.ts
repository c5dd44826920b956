/**
 * The realtime benchmark's clients, in a process of their own so that they do not share the benchmark's
 * event loop: socket.io-client sockets (WebSocket only), told by the parent over IPC where to connect.
 * Each `post-status-update` is timed from its `occurredAt` (set when it was published, on the same
 * machine's clock) to its arrival, and filed under its step's tag (the event's `reason`). Per step the
 * process also measures its own CPU time and event-loop delay, to tell when the clients were the
 * bottleneck. Sends `{ ready: true }` once listening for commands; each command's reply carries its `id`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

/** Where one socket connects, and the handshake's `auth`. */
export interface SocketPlan {
  url: string;
  auth: Record<string, unknown>;
}

/** What the parent asks. */
export type ClientCommand =
  | { op: 'connect'; sockets: SocketPlan[]; concurrency: number }
  | { op: 'close' }
  | { op: 'start'; tag: string }
  | { op: 'count'; tag: string }
  | { op: 'total' }
  | { op: 'finish'; tag: string };

/** What a finished step saw from this process. */
export interface StepReport {
  latencies: number[];
  cpuPct: number;
  eldP99Ms: number;
  eldMaxMs: number;
  /** Sockets the server closed since they connected. */
  disconnects: number;
}

type Payload = { occurredAt?: string; reason?: string };

const sockets: Socket[] = [];
const byTag = new Map<string, number[]>();
let received = 0;
let disconnects = 0;
const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
let stepCpu = process.cpuUsage();
let stepStart = performance.now();

function onStatus(e: Payload): void {
  received++;
  const list = e.reason === undefined ? undefined : byTag.get(e.reason);
  if (list && e.occurredAt) list.push(Date.now() - Date.parse(e.occurredAt));
}

function open(plan: SocketPlan): Promise<Socket> {
  const socket = io(plan.url, {
    auth: plan.auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  socket.on('post-status-update', onStatus);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.once('disconnect', () => disconnects++);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

async function connectAll(plans: SocketPlan[], concurrency: number) {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const lane = async () => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      try {
        sockets.push(await open(plan));
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  disconnects = 0;
  return { connected: sockets.length, failed, firstError };
}

function closeAll(): { closed: true } {
  for (const s of sockets.splice(0)) {
    s.removeAllListeners('disconnect');
    s.close();
  }
  return { closed: true };
}

function finish(tag: string): StepReport {
  const cpu = process.cpuUsage(stepCpu);
  const wallMs = performance.now() - stepStart;
  const latencies = byTag.get(tag) ?? [];
  byTag.delete(tag);
  return {
    latencies,
    cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    eldP99Ms: eld.percentile(99) / 1e6,
    eldMaxMs: eld.max / 1e6,
    disconnects,
  };
}

async function handle(cmd: ClientCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'connect':
      return connectAll(cmd.sockets, cmd.concurrency);
    case 'close':
      return Promise.resolve(closeAll());
    case 'start':
      byTag.set(cmd.tag, []);
      eld.reset();
      stepCpu = process.cpuUsage();
      stepStart = performance.now();
      return { started: true };
    case 'count':
      return { received: byTag.get(cmd.tag)?.length ?? 0 };
    case 'total':
      return { received };
    case 'finish':
      return finish(cmd.tag);
  }
}

process.on('message', (m: { id: number; cmd: ClientCommand }) => {
  handle(m.cmd).then(
    (result) => process.send?.({ id: m.id, result }),
    (err: unknown) => process.send?.({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
process.once('SIGTERM', () => {
  closeAll();
  process.exit(0);
});
// The parent going away ends the clients too.
process.once('disconnect', () => process.exit(0));
process.send?.({ ready: true });
