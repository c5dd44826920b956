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
  /** Rows per batch (default 200). */
  batch?: number;
  /** The longest wait between attempts while publishing fails (default 5 s; doubling from 100 ms). */
  maxBackoffMs?: number;
}

/** A running relay candidate. */
export interface OutboxRelay {
  /** Stops after the batch under way; a leader steps down (its lock released, the followers told). */
  stop(): Promise<void>;
}

/** The advisory lock that elects the one publishing relay: held by its session for as long as it leads. */
const RELAY_LOCK = 727_002;

/** Notified when a leader steps down, so a follower takes over at once rather than at its next poll. */
const HANDOVER_CHANNEL = 'vt_outbox_relay_handover';

/**
 * The relay's session statements, run on its own connection with pg's `$n` placeholders: they are
 * about that session (its lock, its LISTEN), so they cannot go through the pool as `runStatement` does.
 */
const TRY_LEAD = `select pg_try_advisory_lock($1) as leader`;
const STEP_DOWN = `select pg_advisory_unlock($1), pg_notify('${HANDOVER_CHANNEL}', '')`;
/** The oldest rows, in the bigint id's order (not the text `id`'s). */
const NEXT_BATCH = `select id::text, msg_id as "msgId", subject, type, payload::text as payload
  from event_outbox order by event_outbox.id limit $1`;
const DELETE_SENT = `delete from event_outbox where id = any($1::bigint[])`;

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

interface PgClient {
  query<T>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
  end(): Promise<void>;
  on(event: 'notification' | 'error' | 'end', cb: () => void): void;
  removeListener(event: 'notification' | 'error' | 'end', cb: () => void): void;
}

/** A relay candidate's session: one connection, taken from the ORM's pool for as long as it runs. */
interface Session {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  /** Ends the session (its lock and LISTENs go with it); the pool discards the connection. */
  close(): Promise<void>;
}

async function openSession(orm: MikroORM, wake: () => void, lost: () => void): Promise<Session> {
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
  return {
    query: async <T>(text: string, values?: unknown[]) => (await conn.query<T>(text, values)).rows,
    async close() {
      for (const [event, cb] of handlers) conn.removeListener(event, cb);
      // Closed, not reused: no lock or LISTEN of this session can reach the pool's next user. An
      // ended connection is marked disposed by knex, and the pool drops it.
      await conn.end().catch(() => undefined);
      await client.releaseConnection(conn);
    },
  };
}

/**
 * Publishes the oldest batch, each event acknowledged in turn, then deletes what was acknowledged. A
 * publish that fails stops the batch; the rows acknowledged before it are still deleted, the rest
 * wait. Returns how many went out, or throws the failure.
 */
async function relayBatch(session: Session, opts: OutboxRelayOptions, batch: number): Promise<number> {
  const rows = await session.query<StoredEvent>(NEXT_BATCH, [batch]);
  const ids: string[] = [];
  let failure: Error | undefined;
  for (const row of rows) {
    try {
      await opts.publish(row);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      break;
    }
    ids.push(row.id);
  }
  if (ids.length > 0) await session.query(DELETE_SENT, [ids]);
  if (failure) throw failure;
  return ids.length;
}

/**
 * Starts a relay candidate: it publishes the outbox to JetStream in id order, each event with its
 * `msg_id` as the message id (a re-send after a crash between publish and delete is stored once), and
 * deletes what was acknowledged. Every gateway, worker and media process runs one, on a session of its
 * own (one pooled connection). The candidate whose session holds the advisory lock leads: it alone
 * publishes, so events leave in order, once, and it listens for inserts (a poll is the fallback). The
 * others try the lock every poll, or at once when a leader steps down; a leader that dies loses the
 * lock with its session. While NATS or PostgreSQL is away it backs off and the rows wait.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const pollMs = opts.pollMs ?? 1000;
  const batch = opts.batch ?? 200;
  const maxBackoffMs = opts.maxBackoffMs ?? 5000;
  let stopped = false;
  let woken = false;
  let alarm: (() => void) | undefined;
  let session: Session | undefined;
  let leading = false;
  const wake = () => {
    woken = true;
    alarm?.();
  };
  // A session whose connection died is dropped (its lock with it); the loop opens another.
  const lost = () => {
    const gone = session;
    session = undefined;
    leading = false;
    void gone?.close();
    wake();
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
  /** The current session, opened (as a follower, listening for a handover) when there is none. */
  const current = async (): Promise<Session> => {
    if (session) return session;
    const opened = await openSession(opts.orm, wake, lost);
    try {
      await opened.query(`LISTEN ${HANDOVER_CHANNEL}`);
    } catch (err) {
      await opened.close();
      throw err;
    }
    session = opened;
    return opened;
  };

  const run = async () => {
    let backoff = 0;
    let failing = false;
    while (!stopped) {
      woken = false;
      try {
        const s = await current();
        if (!leading) {
          const [lock] = await s.query<{ leader: boolean }>(TRY_LEAD, [RELAY_LOCK]);
          if (lock?.leader) {
            // A leader that cannot listen gives the lock up with its session, rather than lead deaf.
            await s.query(`UNLISTEN ${HANDOVER_CHANNEL}; LISTEN ${OUTBOX_CHANNEL}`).catch((err: unknown) => {
              lost();
              throw err;
            });
            leading = true;
          }
        }
        if (leading) {
          let sent = batch;
          while (sent === batch && !stopped) sent = await relayBatch(s, opts, batch);
        }
        if (failing) opts.logger.info({}, 'event outbox publishing again');
        failing = false;
        backoff = 0;
        await sleep(pollMs, true);
      } catch (err) {
        if (!failing)
          opts.logger.warn({ err }, 'event outbox not published; the events wait and are retried');
        failing = true;
        backoff = Math.min(maxBackoffMs, backoff ? backoff * 2 : 100);
        await sleep(backoff, false);
      }
    }
  };
  const running = run();
  return {
    async stop() {
      stopped = true;
      alarm?.();
      await running;
      const s = session;
      session = undefined;
      if (s && leading) await s.query(STEP_DOWN, [RELAY_LOCK]).catch(() => undefined);
      leading = false;
      await s?.close();
    },
  };
}
