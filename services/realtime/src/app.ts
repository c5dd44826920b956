import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initOrm, type MikroORM, pingDatabase, schemaCheck } from '@vibetribe/database';
import { connectEventBus, type EventBus, pingEventBus } from '@vibetribe/proto';
import {
  createLogger,
  createMetrics,
  createOpsRouter,
  type Logger,
  type ShutdownStep,
} from '@vibetribe/runtime';
import { Redis } from 'ioredis';
import Koa from 'koa';
import type { Registry } from 'prom-client';
import { Server } from 'socket.io';
import { createAccess } from './access';
import { authenticate } from './auth';
import type { RealtimeEnv } from './env';
import { registerHandlers } from './handlers';
import { createRealtimeMetrics } from './metrics';
import { createPresence } from './presence';
import { createPresenceRegistry } from './presence-registry';
import { type Relay, startRelay } from './relay';
import { createSweep } from './sweep';
import { createSync } from './sync';
import type { RealtimeServer } from './types';

/** Connections the service would otherwise open itself; it takes ownership and closes them on stop. */
export interface RealtimeDeps {
  logger?: Logger;
  orm?: MikroORM;
  redis?: Redis;
  bus?: EventBus;
}

/** A realtime instance: one HTTP server carrying Socket.IO and the ops routes. */
export interface Realtime {
  server: HttpServer;
  io: RealtimeServer;
  /** Marks the presence this instance publishes, so its relay does not deliver it twice. */
  instanceId: string;
  metrics: Registry;
  /** Listens (port 0 picks a free one) and resolves with the bound address. */
  start(port?: number, host?: string): Promise<AddressInfo>;
  /** Runs the periodic membership, token and presence pass now. */
  sweep(): Promise<void>;
  /** The graceful stop, in order: stop accepting and close sockets, drain NATS, close Redis, close the ORM. */
  shutdownSteps(): ShutdownStep[];
  /** Runs every shutdown step. */
  stop(): Promise<void>;
}

/** Connections to PostgreSQL at most. */
const DATABASE_POOL_MAX = 5;

/** Builds the realtime service: Socket.IO fed by NATS, with health, readiness and metrics beside it. */
export async function createRealtime(env: RealtimeEnv, deps: RealtimeDeps = {}): Promise<Realtime> {
  const instanceId = `rt-${randomUUID().slice(0, 8)}`;
  const logger = (deps.logger ?? createLogger('realtime', env.LOG_LEVEL)).child({ instanceId });
  // Read-only membership checks, a few at a time: a small pool.
  const orm = deps.orm ?? (await initOrm(env.DATABASE_URL, { pool: { min: 0, max: DATABASE_POOL_MAX } }));
  // Fail commands quickly while Redis is away rather than queueing them behind a reconnect.
  const redis = deps.redis ?? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2 });
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  let bus: EventBus;
  try {
    bus = deps.bus ?? (await connectEventBus({ servers: env.NATS_URL, name: `realtime-${instanceId}` }));
  } catch (err) {
    await Promise.allSettled([orm.close(), redis.quit()]);
    throw err;
  }

  const registry = createMetrics('realtime');
  const koa = new Koa();
  const ops = createOpsRouter({
    service: 'realtime',
    registry,
    checks: {
      postgres: () => pingDatabase(orm),
      nats: () => pingEventBus(bus.nc),
      redis: () => redis.ping(),
      schema: schemaCheck(orm, (err) => logger.error(err.message)),
    },
  });
  koa.use(ops.routes()).use(ops.allowedMethods());
  // Socket.IO takes its own path (/socket.io/) and hands every other request to Koa.
  const handle = koa.callback();
  const server = createServer((req, res) => void handle(req, res));
  const io: RealtimeServer = new Server(server, {
    cors: { origin: env.corsOrigins, credentials: true },
    serveClient: false,
  });

  const metrics = createRealtimeMetrics(registry, io);
  const access = createAccess(orm.em);
  const presenceRegistry = createPresenceRegistry(redis);
  const presence = createPresence({ io, bus, registry: presenceRegistry, instanceId, logger });
  const sweep = createSweep({ io, access, registry: presenceRegistry, logger });

  // Presence work still running when sockets close must finish before NATS drains.
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>, what: string): void => {
    const p = work
      .catch((err: unknown) => logger.warn({ err }, `${what} failed`))
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  let relay: Relay;
  try {
    relay = await startRelay({ io, bus, instanceId, metrics, logger });
  } catch (err) {
    await Promise.allSettled([bus.close(), orm.close(), redis.quit()]);
    throw err;
  }
  const sync = createSync({
    relay,
    bus,
    access,
    instanceId,
    windowMs: env.REALTIME_REPLAY_WINDOW_S * 1000,
    metrics,
    logger,
  });

  io.use(authenticate(env.jwt, access, logger));
  io.on('connection', (socket) => {
    void sync(socket);
    registerHandlers(socket, { access, presence, metrics, logger });
    track(presence.connected(socket), 'presence on connect');
    socket.on('disconnect', () => track(presence.disconnected(socket), 'presence on disconnect'));
  });

  const timer = setInterval(() => {
    sweep().catch((err: unknown) => logger.warn({ err }, 'sweep failed'));
  }, env.REALTIME_RECHECK_S * 1000);
  timer.unref();

  const shutdownSteps = (): ShutdownStep[] => [
    {
      name: 'close sockets',
      run: async () => {
        clearInterval(timer);
        await io.close();
        await Promise.allSettled([...pending]);
      },
    },
    {
      name: 'drain nats',
      run: async () => {
        await relay.stop();
        await bus.close();
      },
    },
    { name: 'close redis', run: () => redis.quit() },
    { name: 'close postgres', run: () => orm.close() },
  ];

  return {
    server,
    io,
    instanceId,
    metrics: registry,
    start(port = env.REALTIME_PORT, host = env.HOST) {
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    sweep,
    shutdownSteps,
    async stop() {
      for (const step of shutdownSteps()) {
        try {
          await step.run();
        } catch (err) {
          logger.warn({ err, step: step.name }, 'shutdown step failed');
        }
      }
    },
  };
}
