import { randomUUID } from 'node:crypto';
import {
  enqueueEvents,
  initOrm,
  migrate,
  type MikroORM,
  type OutboxRelay,
  outboxBacklog,
  runStatement,
  startOutboxRelay,
  statement,
  type StoredEvent,
} from '@vibetribe/database';
import {
  connectEventBus,
  create,
  decodeEvent,
  EVENT_STREAM,
  type EventBus,
  eventRecord,
  postSubject,
  PostStatusChangedSchema,
} from '@vibetribe/proto';
import { createLogger } from '@vibetribe/runtime';
import { startPrivatePostgres } from './testing/private-postgres';
import { type PrivateServer, privateNats, waitUntil } from '@vibetribe/testing';

jest.setTimeout(90_000);

// A database and a nats-server of this file's own: the relays of other tests (which share the stack's)
// would otherwise publish these events, and stopping the stack's NATS would disturb everyone.
let nats: PrivateServer;
let orm: MikroORM;
let admin: MikroORM;
let bus: EventBus;
let database: string;
const logger = createLogger('outbox-test', process.env.LOG_LEVEL ?? 'silent');

beforeAll(async () => {
  nats = await privateNats();
  const base = new URL(process.env.DATABASE_URL ?? '');
  database = `vt_outbox_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  admin = await initOrm(base.toString());
  await admin.em.getConnection().execute(`create database ${database}`);
  base.pathname = `/${database}`;
  orm = await initOrm(base.toString());
  await migrate(orm);
  bus = await connectEventBus({ servers: nats.url, reconnectTimeWait: 200 });
});

afterAll(async () => {
  await bus?.close();
  await orm?.close();
  await admin?.em.getConnection().execute(`drop database if exists ${database} with (force)`);
  await admin?.close();
  await nats?.dispose();
});

/** `n` status events of a made-up post in organization `org`, each written in a transaction of its own. */
async function writeEvents(org: string, n: number, from = 1): Promise<void> {
  for (let version = from; version < from + n; version++) {
    await orm.em.fork().transactional(async (tx) => {
      const message = create(PostStatusChangedSchema, { postId: org, organizationId: org, version });
      await enqueueEvents(tx, [eventRecord(postSubject(org, 'status'), PostStatusChangedSchema, message)]);
    });
  }
}

/** The versions the stream stored for the organization, in stream order, and how many messages it holds. */
async function stored(org: string): Promise<{ versions: number[]; count: number }> {
  const jsm = await bus.nc.jetstreamManager();
  const info = await jsm.streams.info(EVENT_STREAM, { subjects_filter: `vt.${org}.>` });
  const count = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  const versions: number[] = [];
  // The private stream holds only this file's events: every message by sequence, this organization's kept.
  const { first_seq: first, last_seq: last } = (await jsm.streams.info(EVENT_STREAM)).state;
  for (let seq = first; seq <= last && first > 0; seq++) {
    const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
    if (m.subject.startsWith(`vt.${org}.`))
      versions.push(decodeEvent(PostStatusChangedSchema, m.data).version);
  }
  return { versions, count };
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

const relayOn = (target: EventBus = bus): OutboxRelay =>
  startOutboxRelay({ orm, publish: (e) => target.publishStored(e), logger, maxBackoffMs: 500 });

const waitForEmptyOutbox = () =>
  waitUntil(async () => (await outboxBacklog(orm)).rows === 0, 30_000, 'an empty outbox');

test('a rolled-back change leaves no event; a committed one is published in order, once, and deleted', async () => {
  const org = randomUUID();
  await expect(
    orm.em.fork().transactional(async (tx) => {
      const message = create(PostStatusChangedSchema, { postId: org, organizationId: org, version: 99 });
      await enqueueEvents(tx, [eventRecord(postSubject(org, 'status'), PostStatusChangedSchema, message)]);
      throw new Error('the change fails');
    }),
  ).rejects.toThrow('the change fails');
  expect(await outboxBacklog(orm)).toMatchObject({ rows: 0 });
  await writeEvents(org, 20);
  expect((await outboxBacklog(orm)).rows).toBe(20);
  const relay = relayOn();
  try {
    await waitForEmptyOutbox();
    expect(await stored(org)).toEqual({ versions: range(1, 20), count: 20 });
  } finally {
    await relay.stop();
  }
});

test('a re-send after a crash between publish and delete is stored once (its msg_id is the message id)', async () => {
  const org = randomUUID();
  await writeEvents(org, 3);
  // What a relay killed after the PubAck and before its delete left behind: published, still in the outbox.
  const [first] = await runStatement<StoredEvent>(
    orm.em.fork(),
    statement(
      'outbox-first',
      `select id::text, msg_id as "msgId", subject, type, payload::text as payload from event_outbox order by id limit 1`,
    ),
  );
  await bus.publishStored(first!);
  const relay = relayOn();
  try {
    await waitForEmptyOutbox();
    expect(await stored(org)).toEqual({ versions: [1, 2, 3], count: 3 });
  } finally {
    await relay.stop();
  }
});

test('two relays at once: each event is published once, in order', async () => {
  const org = randomUUID();
  const relays = [relayOn(), relayOn()];
  try {
    // Writers in parallel with both relays running, each writer's events in its own order.
    await Promise.all([writeEvents(org, 40, 1), writeEvents(org, 40, 101)]);
    await waitForEmptyOutbox();
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
  }
  const { versions, count } = await stored(org);
  expect(count).toBe(80);
  expect(versions.filter((v) => v < 100)).toEqual(range(1, 40));
  expect(versions.filter((v) => v > 100)).toEqual(range(101, 40));
});

test('a leader that stops hands over: a follower leads at once, not at its next poll', async () => {
  const org = randomUUID();
  // Polls an hour apart: only the leader's notification (an insert, or its stepping down) wakes them.
  const hourly = () =>
    startOutboxRelay({ orm, publish: (e) => bus.publishStored(e), logger, pollMs: 3_600_000 });
  const first = hourly();
  let second: OutboxRelay | undefined;
  try {
    await writeEvents(org, 2);
    await waitForEmptyOutbox();
    second = hourly();
    // The second has tried the lock and lost: its session's last statement was that try.
    const followers = statement(
      'outbox-followers',
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and state = 'idle' and query like 'select pg_try_advisory_lock%'`,
    );
    await waitUntil(
      async () => (await runStatement<{ n: number }>(orm.em.fork(), followers))[0]?.n === 1,
      10_000,
      'a follower',
    );
    await first.stop();
    await writeEvents(org, 3, 3);
    await waitForEmptyOutbox();
    expect(await stored(org)).toEqual({ versions: range(1, 5), count: 5 });
  } finally {
    await first.stop();
    await second?.stop();
  }
});

test('a leader whose session is killed loses the lead with it; the events go out in order, once', async () => {
  const org = randomUUID();
  const relays = [relayOn(), relayOn()];
  try {
    await writeEvents(org, 2);
    await waitForEmptyOutbox();
    const killed = await runStatement<{ pid: number }>(
      orm.em.fork(),
      statement(
        'kill-outbox-leader',
        `select pg_terminate_backend(pid) as pid from pg_locks
         where locktype = 'advisory' and objid = 727002 and granted and database = (
           select oid from pg_database where datname = current_database())`,
      ),
    );
    expect(killed).toHaveLength(1);
    await writeEvents(org, 10, 3);
    await waitForEmptyOutbox();
    expect(await stored(org)).toEqual({ versions: range(1, 12), count: 12 });
  } finally {
    await Promise.all(relays.map((r) => r.stop()));
  }
});

test('while NATS is down the events wait in the outbox; once it is back they go out in order, once', async () => {
  const org = randomUUID();
  const relay = relayOn();
  try {
    await writeEvents(org, 2);
    await waitForEmptyOutbox();
    await nats.stop();
    await writeEvents(org, 10, 3);
    // Nothing can leave: the rows wait (the gauge an operator sees says so).
    expect((await outboxBacklog(orm)).rows).toBe(10);
    await nats.start();
    await waitForEmptyOutbox();
    await waitUntil(async () => (await stored(org)).count === 12, 10_000, 'the stream to hold them');
    expect(await stored(org)).toEqual({ versions: range(1, 12), count: 12 });
  } finally {
    await relay.stop();
  }
});

test('a PostgreSQL restart: the relay backs off, listens again, and what is written after goes out', async () => {
  const pg = await startPrivatePostgres();
  const own = await initOrm(pg.url);
  const org = randomUUID();
  const write = async (version: number) => {
    const message = create(PostStatusChangedSchema, { postId: org, organizationId: org, version });
    await own.em
      .fork()
      .transactional((tx) =>
        enqueueEvents(tx, [eventRecord(postSubject(org, 'status'), PostStatusChangedSchema, message)]),
      );
  };
  // A long poll: only the notification (on a LISTEN made again after the restart) can wake it soon.
  const relay = startOutboxRelay({ orm: own, publish: (e) => bus.publishStored(e), logger, pollMs: 60_000 });
  try {
    await migrate(own);
    await write(1);
    await waitUntil(async () => (await stored(org)).count === 1, 20_000, 'the first event');
    await pg.stop('fast');
    await pg.start();
    await waitUntil(() => write(2).then(() => true), 20_000, 'PostgreSQL back');
    await waitUntil(async () => (await stored(org)).count === 2, 40_000, 'the event written after');
    expect(await stored(org)).toEqual({ versions: [1, 2], count: 2 });
  } finally {
    await relay.stop();
    await own.close();
    await pg.dispose();
  }
});
