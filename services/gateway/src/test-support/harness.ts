import { randomUUID } from 'node:crypto';
import { koaHandler } from '@vibetribe/runtime';
import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { initOrm, type OutboxRelay, startOutboxRelay } from '@vibetribe/database';
import { connectEventBus, pingEventBus } from '@vibetribe/proto';
import { createLogger, createSecretBox } from '@vibetribe/runtime';
import { testTokenConfig } from '@vibetribe/testing';
import { createApp } from '../app';
import type { GatewayDeps } from '../context';
import { gatewayEnv } from '../env';
import { outboxEventSink } from '../lib/events';
import { buildMediaDeps } from '../lib/media-deps';
import { temporalScheduler } from '../lib/scheduler';
import { temporalProbe } from '../lib/temporal-probe';

/** A response as tests read it. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A running gateway on a random port, wired to the real local stack. */
export interface TestGateway {
  url: string;
  deps: GatewayDeps;
  taskQueue: string;
  /** The harness's outbox relay candidate (it holds a pooled connection for LISTEN while it runs). */
  relay: OutboxRelay;
  api<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<ApiResponse<T>>;
  /** Registers a user (a random email unless `email` is given) and signs in. */
  register(
    name?: string,
    email?: string,
  ): Promise<{ token: string; refresh: string; userId: string; orgId: string; email: string }>;
  close(): Promise<void>;
}

/** Starts a gateway for one test file. `envOverrides` tune limits; workflows go to a task queue unique to the file. */
export async function startTestGateway(
  envOverrides: Record<string, string> = {},
  opts: { taskQueue?: string; temporalAddress?: string; logLines?: string[]; schedulePrefix?: string } = {},
): Promise<TestGateway> {
  const keys = testTokenConfig();
  const env = gatewayEnv({
    ...process.env,
    JWT_PRIVATE_KEY: keys.privateKey,
    JWT_PUBLIC_KEY: keys.publicKey,
    RATE_LIMIT_PER_IP: '100000',
    RATE_LIMIT_PER_USER: '100000',
    RATE_LIMIT_AUTH_PER_IP: '100000',
    TEMPORAL_DEADLINE_MS: '2000',
    TEMPORAL_TASK_QUEUE: opts.taskQueue ?? `test-${randomUUID()}`,
    ...envOverrides,
  });
  const logger = createLogger(
    'gateway-test',
    opts.logLines ? 'info' : env.LOG_LEVEL,
    opts.logLines ? { write: (line: string) => void opts.logLines!.push(line) } : undefined,
  );
  const orm = await initOrm(env.DATABASE_URL, { pool: { min: 0, max: env.DATABASE_POOL_MAX } });
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  // Commands are not queued while it connects (enableOfflineQueue: false): hand tests a connected
  // client, waiting a bounded time so a test that starts with Redis down still starts.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const connection = Connection.lazy({
    address: opts.temporalAddress ?? env.TEMPORAL_ADDRESS,
    connectTimeout: 1000,
  });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const probe = temporalProbe(opts.temporalAddress ?? env.TEMPORAL_ADDRESS);
  const bus = await connectEventBus({ servers: env.NATS_URL, name: 'gateway-test' });
  const relay = startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger });
  const taskQueue = env.TEMPORAL_TASK_QUEUE;
  const media = buildMediaDeps(env);
  const deps: GatewayDeps = {
    env,
    logger,
    orm,
    redis,
    tokens: env.jwt,
    secrets: createSecretBox(env.ENCRYPTION_KEY),
    scheduler: temporalScheduler(client, env.TEMPORAL_DEADLINE_MS, taskQueue, env.MEDIA_WAIT_MS),
    events: outboxEventSink,
    readiness: {
      nats: () => pingEventBus(bus.nc),
      temporal: probe.check,
    },
    media,
    ops: { temporal: client, schedulePrefix: opts.schedulePrefix ?? 'vt-' },
  };
  const server: Server = createServer(koaHandler(createApp(deps)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const api: TestGateway['api'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(o.body);
    }
    const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };

  return {
    url,
    deps,
    taskQueue,
    relay,
    api,
    async register(name = 'Test User', email = `u-${randomUUID()}@example.test`) {
      const res = await api('POST', '/api/v1/auth/register', {
        body: { email, password: 'correct horse battery', name },
      });
      if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
      const me = await api('GET', '/api/v1/auth/me', { token: res.body.access_token });
      return {
        token: res.body.access_token,
        refresh: res.body.refresh_token,
        userId: res.body.user.id,
        orgId: me.body.organizations[0].id,
        email,
      };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await relay.stop();
      await bus.close();
      await connection.close();
      await probe.close();
      await media.close();
      redis.disconnect();
      await orm.close();
    },
  };
}
