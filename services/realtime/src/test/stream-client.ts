import {
  AnalyticsUpdatedSchema,
  connectEventBus,
  analyticsSubject,
  type ClientToServerEvents,
  create,
  type EventBus,
  NotificationSchema,
  notificationSubject,
  PostStatusChangedSchema,
  postSubject,
  type ServerToClientEvents,
  type SocketAuth,
} from '@vibetribe/proto';
import { signAccessToken, type TokenConfig } from '@vibetribe/runtime';
import { io, type Socket } from 'socket.io-client';
import type { Realtime } from '../app';
import { fixtures, migrateTestDatabase, startRealtime, testDatabase } from './harness';

/** A client typed with the contract, as a front end would write it. */
export type TypedClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a client saw of the replayable events, in arrival order: `<event>:<id>@<seq>`. */
export interface Seen {
  events: Array<{ name: string; id: string; seq: number }>;
  synced: Array<{ seq: number; replayed: number }>;
  resync: Array<{ reason: string; since: string | null }>;
  /** The highest seq seen (from an event or `synced`): what a reconnect sends as `lastSeq`. */
  lastSeq(): number;
}

/** Connects a typed client (no automatic reconnection: the tests reconnect by hand, to either node). */
export function connectTyped(
  url: string,
  keys: TokenConfig,
  userId: string,
  resume: Omit<SocketAuth, 'token'> = {},
): { socket: TypedClient; seen: Seen; connected: Promise<void> } {
  const auth: SocketAuth = { token: signAccessToken(keys, userId).token, ...resume };
  const socket: TypedClient = io(url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const seen: Seen = {
    events: [],
    synced: [],
    resync: [],
    lastSeq() {
      return Math.max(0, ...this.events.map((e) => e.seq), ...this.synced.map((s) => s.seq));
    },
  };
  socket.on('post-status-update', (e) =>
    seen.events.push({ name: 'status', id: e.postId ?? '', seq: e.seq }),
  );
  socket.on('analytics-update', (e) =>
    seen.events.push({ name: 'analytics', id: e.postId ?? '', seq: e.seq }),
  );
  socket.on('notification', (e) =>
    seen.events.push({ name: 'notification', id: e.notificationId ?? '', seq: e.seq }),
  );
  socket.on('synced', (s) => seen.synced.push(s));
  socket.on('resync-required', (r) => seen.resync.push(r));
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, seen, connected };
}

/** Publishes the stream events the tests replay: a post status, an analytics update, a notification. */
export function publisher(bus: EventBus) {
  return {
    status: (orgId: string, postId: string) =>
      bus.publish(
        postSubject(orgId, 'status'),
        PostStatusChangedSchema,
        create(PostStatusChangedSchema, { postId, organizationId: orgId, status: 'publishing' }),
      ),
    analytics: (orgId: string, postId: string) =>
      bus.publish(
        analyticsSubject(orgId, 'updated'),
        AnalyticsUpdatedSchema,
        create(AnalyticsUpdatedSchema, { organizationId: orgId, postId, platform: 'x' }),
      ),
    notification: (orgId: string, notificationId: string, userIds: string[]) =>
      bus.publish(
        notificationSubject(orgId, 'created'),
        NotificationSchema,
        create(NotificationSchema, { notificationId, organizationId: orgId, kind: 'test', userIds }),
      ),
  };
}

/** Resolves once `check` holds, polling; rejects after `ms` with what was seen. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not seen within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a replay test needs: the test database, a bus on `natsUrl`, and realtime instances started on it. */
export async function replayWorld(
  keys: TokenConfig,
  natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
) {
  await migrateTestDatabase();
  const orm = await testDatabase();
  const bus = await connectEventBus({ servers: natsUrl, name: 'replay-test' });
  const instances: Realtime[] = [];
  const sockets: TypedClient[] = [];
  return {
    orm,
    bus,
    f: fixtures(orm),
    pub: publisher(bus),
    sockets,
    /** Starts a realtime instance on this world's NATS; resolves with its URL. */
    async start(overrides: Record<string, string> = {}): Promise<string> {
      const { realtime, url } = await startRealtime(keys, { NATS_URL: natsUrl, ...overrides });
      instances.push(realtime);
      return url;
    },
    async close(): Promise<void> {
      for (const s of sockets) s.close();
      for (const r of instances) await r.stop();
      await bus.close();
      await orm.close();
    },
  };
}
