import { type BusEvent, decodeBusEvent, EVENT_STREAM, type EventBus } from '@vibetribe/proto';
import { AckPolicy, DeliverPolicy, type JetStreamManager, nanos } from 'nats';

/** A missed event read back from the stream. */
export interface MissedEvent {
  seq: number;
  event: BusEvent;
  /** When the stream stored it, in ms since the epoch. */
  storedAt: number;
}

/** What a reconnecting client missed: the events to replay, or why they cannot be. */
export type Missed =
  | {
      kind: 'events';
      /** Every event of the client's organizations after its `lastSeq` up to `upTo`, in stream order. */
      events: MissedEvent[];
      /** The stream's end when the replay began: later events reach the client live. */
      upTo: number;
    }
  | { kind: 'resync'; reason: 'expired' | 'unknown'; since: string | null };

/** What `readMissed` needs to know. */
export interface MissedQuery {
  orgIds: string[];
  afterSeq: number;
  /** A client whose first missed event is older than this must resync over REST instead. */
  windowMs: number;
  /** More missed events than this: resync instead (a replay must stay short). */
  maxEvents: number;
}

// A replay consumer left behind by a crash is removed by the server after this long without a reader.
const REPLAY_CONSUMER_IDLE_MS = 30_000;

class TooMany extends Error {}

/** When the event at `seq` was stored, if the stream still has it. */
async function timeOf(jsm: JetStreamManager, seq: number): Promise<string | null> {
  if (seq < 1) return null;
  try {
    return (await jsm.streams.getMessage(EVENT_STREAM, { seq })).time.toISOString();
  } catch {
    return null;
  }
}

/** One organization's events in (afterSeq, upTo], through a short-lived ephemeral consumer. */
async function readOrg(
  bus: EventBus,
  jsm: JetStreamManager,
  orgId: string,
  afterSeq: number,
  upTo: number,
  budget: number,
): Promise<MissedEvent[]> {
  const info = await jsm.consumers.add(EVENT_STREAM, {
    // Every event of the organization; presence is skipped below (one filter subject works on NATS 2.9).
    filter_subject: `vt.${orgId}.>`,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: afterSeq + 1,
    ack_policy: AckPolicy.None,
    inactive_threshold: nanos(REPLAY_CONSUMER_IDLE_MS),
    mem_storage: true,
    num_replicas: 1,
  });
  const found: MissedEvent[] = [];
  try {
    if (info.num_pending === 0) return found;
    const consumer = await bus.js.consumers.get(EVENT_STREAM, info.name);
    const messages = await consumer.consume({ max_messages: Math.min(budget + 1, 512) });
    try {
      for await (const msg of messages) {
        if (msg.seq > upTo) break;
        const event = decodeBusEvent(msg.subject, msg.data);
        if (event.domain !== 'presence')
          found.push({ seq: msg.seq, event, storedAt: msg.info.timestampNanos / 1e6 });
        if (found.length > budget) throw new TooMany();
        if (msg.seq === upTo || msg.info.pending === 0) break;
      }
    } finally {
      messages.stop();
    }
    return found;
  } finally {
    await jsm.consumers.delete(EVENT_STREAM, info.name).catch(() => undefined);
  }
}

/**
 * Reads back from the event stream what a client missed since `afterSeq` in its organizations (all of
 * their events; the caller keeps those its rooms would have received). Resync instead when the position
 * is not in the stream (purged, or from another stream), when the first missed event is older than the
 * window, or when there are too many.
 */
export async function readMissed(bus: EventBus, query: MissedQuery): Promise<Missed> {
  const { orgIds, afterSeq, windowMs, maxEvents } = query;
  const jsm = await bus.nc.jetstreamManager();
  const { state } = await jsm.streams.info(EVENT_STREAM);
  const resync = async (reason: 'expired' | 'unknown'): Promise<Missed> => ({
    kind: 'resync',
    reason,
    since: await timeOf(jsm, afterSeq),
  });
  if (afterSeq > state.last_seq || (afterSeq + 1 < state.first_seq && state.messages > 0)) {
    return resync('unknown');
  }
  const upTo = state.last_seq;
  const events: MissedEvent[] = [];
  try {
    for (const orgId of orgIds) {
      events.push(...(await readOrg(bus, jsm, orgId, afterSeq, upTo, maxEvents - events.length)));
    }
  } catch (err) {
    if (err instanceof TooMany) return resync('expired');
    throw err;
  }
  events.sort((a, b) => a.seq - b.seq);
  const first = events[0];
  if (first && first.storedAt < Date.now() - windowMs) return resync('expired');
  return { kind: 'events', events, upTo };
}
