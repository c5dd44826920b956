import type { MikroORM } from '@mikro-orm/postgresql';
import { OUTBOX_CHANNEL } from './event-outbox';
import { runStatement, statement } from './sql';

/** An outbox row as the relay hands it to `publish`: the payload is the JSON text to send. */
export interface StoredEvent {
  id: string;
  msgId: string;
  subject: string;
  type: string;
  payload: string;
}

/** What the relay needs: the database, a publish that resolves once the server stored the event, a logger. */
export interface OutboxRelayOptions {
  orm: MikroORM;
  /** Resolves when JetStream acknowledged the event (a duplicate's ack counts); rejects otherwise. */
  publish(event: StoredEvent): Promise<unknown>;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** The fallback poll when no notification comes (default 1 s). */
  pollMs?: number;
  /** Rows per transaction (default 200). */
  batch?: number;
  /** The longest wait between attempts while publishing fails (default 5 s; doubling from 100 ms). */
  maxBackoffMs?: number;
}

/** A running relay candidate. */
export interface OutboxRelay {
  /** Stops after the batch under way; the lock goes with its transaction. */
  stop(): Promise<void>;
}

/** The advisory lock that elects the one publishing relay, per transaction. */
const RELAY_LOCK = 727_002;

const ANY_WAITING = statement('outbox-any-waiting', `select exists (select 1 from event_outbox) as "any"`);

/** The oldest rows, when this transaction wins the relay lock (else none); ordered by the bigint, not the text `id`. */
const NEXT_BATCH = statement(
  'outbox-next-batch',
  `with relay as (select pg_try_advisory_xact_lock(?) as leader)
   select id::text, msg_id as "msgId", subject, type, payload::text as payload
   from event_outbox, relay where relay.leader order by event_outbox.id limit ?`,
);

const DELETE_SENT = statement('outbox-delete-sent', `delete from event_outbox where id = any(?::bigint[])`);

const BACKLOG = statement(
  'outbox-backlog',
  `select count(*)::int as rows,
     coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldestAgeS"
   from event_outbox`,
);

/** How many events wait in the outbox, and how long the oldest has waited: the operator's gauge. */
export async function outboxBacklog(orm: MikroORM): Promise<{ rows: number; oldestAgeS: number }> {
  const [row] = await runStatement<{ rows: number; oldestAgeS: number }>(orm.em.fork(), BACKLOG);
  return row ?? { rows: 0, oldestAgeS: 0 };
}

/**
 * One transaction: the relay lock, the oldest batch in id order, each published and acknowledged in
 * turn, then the published rows deleted. A publish that fails stops the batch; the rows acknowledged
 * before it are still deleted, the rest wait. Returns how many went out, or throws the failure.
 */
async function relayBatch(opts: OutboxRelayOptions, batch: number): Promise<number> {
  let failure: Error | undefined;
  const sent = await opts.orm.em.fork().transactional(async (tx) => {
    const rows = await runStatement<StoredEvent>(tx, NEXT_BATCH, [RELAY_LOCK, batch]);
    const ids: string[] = [];
    for (const row of rows) {
      try {
        await opts.publish(row);
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
        break;
      }
      ids.push(row.id);
    }
    if (ids.length > 0) await runStatement(tx, DELETE_SENT, [ids]);
    return ids.length;
  });
  if (failure) throw failure;
  return sent;
}

/** A pg client from the ORM's pool, held to LISTEN; `undefined` when it cannot be had now. */
interface Listener {
  release(): Promise<void>;
}

interface PgClient {
  query(text: string): Promise<unknown>;
  on(event: 'notification' | 'error' | 'end', cb: () => void): void;
  removeListener(event: 'notification' | 'error' | 'end', cb: () => void): void;
}

async function listen(orm: MikroORM, wake: () => void, lost: () => void): Promise<Listener> {
  const client = orm.em.getKnex().client as {
    acquireConnection(): Promise<PgClient>;
    releaseConnection(c: PgClient): Promise<void>;
  };
  const conn = await client.acquireConnection();
  const handlers = [
    ['notification', wake],
    ['error', lost],
    ['end', lost],
  ] as const;
  for (const [event, cb] of handlers) conn.on(event, cb);
  // Back to the pool without our handlers: its next user's failures are not this listener's.
  const release = async () => {
    for (const [event, cb] of handlers) conn.removeListener(event, cb);
    await client.releaseConnection(conn);
  };
  try {
    await conn.query(`LISTEN ${OUTBOX_CHANNEL}`);
  } catch (err) {
    await release();
    throw err;
  }
  return {
    async release() {
      await conn.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      await release();
    },
  };
}

/**
 * Starts a relay candidate: it publishes the outbox to JetStream in id order, each event with its
 * `msg_id` as the message id (a re-send after a crash between publish and delete is stored once), and
 * deletes what was acknowledged. Every gateway and worker process runs one; the transaction-scoped
 * advisory lock lets one at a time publish, so events leave in order, once. A notification on insert
 * wakes it (one pooled connection held for LISTEN), a poll is the fallback; while NATS or PostgreSQL
 * is away it backs off and the rows wait.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const pollMs = opts.pollMs ?? 1000;
  const batch = opts.batch ?? 200;
  const maxBackoffMs = opts.maxBackoffMs ?? 5000;
  let stopped = false;
  let woken = false;
  let alarm: (() => void) | undefined;
  let listener: Listener | undefined;
  let listening: Promise<void> | undefined;
  const wake = () => {
    woken = true;
    alarm?.();
  };
  // A listener's connection that died is dropped, and the loop comes round at once to listen again.
  const lost = () => {
    const gone = listener;
    listener = undefined;
    void gone?.release().catch(() => undefined);
    wake();
  };
  const ensureListener = () => {
    if (listener || listening || stopped) return;
    listening = listen(opts.orm, wake, lost)
      .then((l) => {
        if (stopped) return l.release();
        listener = l;
        // What was written before the LISTEN took effect woke nobody: look now.
        wake();
      })
      .catch(() => undefined)
      .finally(() => {
        listening = undefined;
      });
  };
  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (stopped || (wakeable && woken)) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        alarm = undefined;
        resolve();
      }
      alarm = wakeable ? done : undefined;
    });

  const run = async () => {
    let backoff = 0;
    let failing = false;
    let notified = false;
    while (!stopped) {
      ensureListener();
      woken = false;
      try {
        // Woken by an insert: there is something to send. On a poll, a cheap look comes first.
        const [waiting] = notified
          ? [{ any: true }]
          : await runStatement<{ any: boolean }>(opts.orm.em.fork(), ANY_WAITING);
        let sent = waiting?.any ? batch : 0;
        while (sent === batch && !stopped) sent = await relayBatch(opts, batch);
        if (failing) opts.logger.info({}, 'event outbox publishing again');
        failing = false;
        backoff = 0;
        await sleep(pollMs, true);
        notified = woken;
      } catch (err) {
        if (!failing)
          opts.logger.warn({ err }, 'event outbox not published; the events wait and are retried');
        failing = true;
        backoff = Math.min(maxBackoffMs, backoff ? backoff * 2 : 100);
        await sleep(backoff, false);
        notified = false;
      }
    }
  };
  const running = run();
  return {
    async stop() {
      stopped = true;
      alarm?.();
      await running;
      await listening;
      await listener?.release().catch(() => undefined);
      listener = undefined;
    },
  };
}
