import { randomUUID } from 'node:crypto';
import {
  initOrm,
  migrate,
  type MikroORM,
  type NamedStatement,
  runStatement,
  statement,
} from '@vibetribe/database';
import { signAccessToken, type TokenConfig } from '@vibetribe/runtime';
import { newTokenConfig } from '@vibetribe/testing';
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

/** A connection to the test database for fixtures (the ORM, as the service itself connects). */
export function testDatabase(): Promise<MikroORM> {
  return initOrm(TEST_DATABASE_URL, { pool: { min: 0, max: 2 } });
}

const INSERT_USER = statement(
  'test_insert_user',
  `INSERT INTO users (id, created_at, updated_at, email, name, password_hash) VALUES (?, now(), now(), ?, 'Test', 'x')`,
);
const INSERT_ORG = statement(
  'test_insert_org',
  `INSERT INTO organizations (id, created_at, updated_at, name, slug) VALUES (?, now(), now(), 'Org', ?)`,
);
const INSERT_MEMBER = statement(
  'test_insert_member',
  `INSERT INTO memberships (id, created_at, updated_at, user_id, organization_id, role) VALUES (?, now(), now(), ?, ?, 'editor')`,
);
const DELETE_MEMBER = statement(
  'test_delete_member',
  'DELETE FROM memberships WHERE user_id = ? AND organization_id = ?',
);
const INSERT_POST = statement(
  'test_insert_post',
  `INSERT INTO posts (id, created_at, updated_at, organization_id, content, platform_content, media_ids, deleted_at)
   VALUES (?, now(), now(), ?, 'hello', '{}', '[]', CASE WHEN ? THEN now() END)`,
);

/** Rows for the tests: users, organizations, memberships and posts with fresh ids, written as psql would. */
export function fixtures(orm: MikroORM) {
  const run = (st: NamedStatement, params: unknown[]) => runStatement(orm.em, st, params);
  return {
    async user(): Promise<string> {
      const id = randomUUID();
      await run(INSERT_USER, [id, `${id}@example.test`]);
      return id;
    },
    async org(...members: string[]): Promise<string> {
      const id = randomUUID();
      await run(INSERT_ORG, [id, `org-${id}`]);
      for (const userId of members) await this.member(userId, id);
      return id;
    },
    async member(userId: string, orgId: string): Promise<void> {
      await run(INSERT_MEMBER, [randomUUID(), userId, orgId]);
    },
    /** Removes a membership behind the service's back (as the gateway does). */
    async removeMember(userId: string, orgId: string): Promise<void> {
      await run(DELETE_MEMBER, [userId, orgId]);
    },
    async post(orgId: string, opts: { deleted?: boolean } = {}): Promise<string> {
      const id = randomUUID();
      await run(INSERT_POST, [id, orgId, opts.deleted === true]);
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

export type { ClientSocket, MikroORM };
