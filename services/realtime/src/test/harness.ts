import { randomUUID } from 'node:crypto';
import { initOrm, migrate } from '@vibetribe/database';
import { signAccessToken, type TokenConfig } from '@vibetribe/runtime';
import { newTokenConfig } from '@vibetribe/testing';
import { Pool } from 'pg';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { createRealtime, type Realtime } from '../app';
import { realtimeEnv } from '../env';

/** The test database: the jest setup points DATABASE_URL at it; the fallback serves a bare run. */
export const TEST_DATABASE_URL =
  process.env.DATABASE_URL?.endsWith('_test') === true
    ? process.env.DATABASE_URL
    : 'postgres://vibetribe:vibetribe@127.0.0.1:5432/vibetribe_test';

/** A fresh ES256 key pair and the matching token configuration. */
export const testKeys = newTokenConfig;

/** Applies migrations once per test file (idempotent: the database package serializes and skips). */
export async function migrateTestDatabase(): Promise<void> {
  const orm = await initOrm(TEST_DATABASE_URL);
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}

/** Rows for the tests: users, organizations, memberships and posts with fresh ids. */
export function fixtures(pool: Pool) {
  return {
    async user(): Promise<string> {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO users (id, created_at, updated_at, email, name, password_hash) VALUES ($1, now(), now(), $2, 'Test', 'x')`,
        [id, `${id}@example.test`],
      );
      return id;
    },
    async org(...members: string[]): Promise<string> {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO organizations (id, created_at, updated_at, name, slug) VALUES ($1, now(), now(), 'Org', $2)`,
        [id, `org-${id}`],
      );
      for (const userId of members) await this.member(userId, id);
      return id;
    },
    async member(userId: string, orgId: string): Promise<void> {
      await pool.query(
        `INSERT INTO memberships (id, created_at, updated_at, user_id, organization_id, role) VALUES ($1, now(), now(), $2, $3, 'editor')`,
        [randomUUID(), userId, orgId],
      );
    },
    async post(orgId: string, opts: { deleted?: boolean } = {}): Promise<string> {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO posts (id, created_at, updated_at, organization_id, content, platform_content, media_ids, deleted_at)
         VALUES ($1, now(), now(), $2, 'hello', '{}', '[]', $3)`,
        [id, orgId, opts.deleted ? new Date() : null],
      );
      return id;
    },
  };
}

/** A realtime instance on a free loopback port, with the given keys and environment overrides. */
export async function startRealtime(
  keys: TokenConfig,
  overrides: Record<string, string> = {},
): Promise<{ realtime: Realtime; url: string }> {
  const env = realtimeEnv({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: TEST_DATABASE_URL,
    JWT_PUBLIC_KEY: keys.publicKey,
    ...overrides,
  });
  const realtime = await createRealtime(env);
  const { port } = await realtime.start(0, '127.0.0.1');
  return { realtime, url: `http://127.0.0.1:${port}` };
}

/** Connects a Socket.IO client; rejects with the server's refusal. */
export function connect(
  url: string,
  auth?: { token?: string },
  headers?: Record<string, string>,
): Promise<ClientSocket> {
  const socket = connectClient(url, {
    auth: auth ?? {},
    extraHeaders: headers ?? {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** A connected client for a user, with a valid access token. */
export function connectAs(url: string, keys: TokenConfig, userId: string): Promise<ClientSocket> {
  return connect(url, { token: signAccessToken(keys, userId).token });
}

/** Resolves with the next `event` on `socket`, or rejects after `ms`. */
export function nextEvent<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const onEvent = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, onEvent);
  });
}

/** Collects every `event` on `socket` until read; for asserting that something did NOT arrive. */
export function collect<T = Record<string, unknown>>(socket: ClientSocket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Waits long enough for a relayed event to have arrived if it were going to. */
export const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a client event and resolves with its acknowledgement. */
export function request(
  socket: ClientSocket,
  event: string,
  payload?: unknown,
): Promise<Record<string, unknown>> {
  const timed = socket.timeout(5000);
  return (payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload)) as Promise<
    Record<string, unknown>
  >;
}

export type { ClientSocket };
export { Pool };
