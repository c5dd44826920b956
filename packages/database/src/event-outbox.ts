import type { EntityManager } from '@mikro-orm/postgresql';
import { runStatement, statement } from './sql';

/** An event as the outbox keeps it: subject, protobuf type name, and the message's JSON mapping. */
export interface OutboxEvent {
  subject: string;
  type: string;
  payload: unknown;
}

/** The channel an outbox insert notifies (at commit), so a listening relay wakes at once. */
export const OUTBOX_CHANNEL = 'vt_event_outbox';

/**
 * Inserts the events of one `?` parameter (`outboxParam(...)`), in their order. A fragment, so a hot
 * path folds it into a statement it runs anyway as a data-modifying CTE, and adds no round trip.
 */
export const OUTBOX_INSERT = `insert into event_outbox (subject, type, payload)
  select e.subject, e.type, e.payload
  from rows from (jsonb_to_recordset(?::jsonb) as (subject text, type text, payload jsonb))
    with ordinality as e(subject, type, payload, n)
  order by e.n`;

/** The parameter `OUTBOX_INSERT` takes. */
export const outboxParam = (events: readonly OutboxEvent[]): string => JSON.stringify(events);

const ENQUEUE = statement('enqueue-events', OUTBOX_INSERT);

/**
 * Writes events to the outbox in the caller's transaction (`em` inside `transactional`), after the
 * change they report: they are published if and only if it commits. Call it after the rows the events
 * are about are locked or written, so events about one row are numbered in commit order.
 */
export async function enqueueEvents(em: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await runStatement(em, ENQUEUE, [outboxParam(events)]);
}
