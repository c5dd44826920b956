import { createHash } from 'node:crypto';
import { type EntityManager, runStatement, statement, toDate } from '@vibetribe/database';

/** Our stable reference for one (post, target, version): sha256, first 32 hex digits. */
export function clientRefFor(postId: string, targetId: string, version: number): string {
  return createHash('sha256').update(`${postId}:${targetId}:${version}`).digest('hex').slice(0, 32);
}

/**
 * How long an attempt holds a target's platform call without renewing it. A live attempt renews it
 * every third of that; an attempt whose worker died lets it lapse, and the next attempt (Temporal's
 * retry, after the 10 s heartbeat timeout) waits out what is left before it reconciles.
 */
export const CALL_LEASE_S = 15;

/** A ledger row as the publish path reads it. */
export interface LedgerRow {
  id: string;
  state: 'intent' | 'confirmed';
  intentAt: Date;
  platformPostId: string | null;
  platformUrl: string | null;
  calls: number;
  leaseUntil: Date | null;
}

/** The columns of a `LedgerRow`, for statements that return one. */
export const LEDGER_COLUMNS = `id, state, intent_at as "intentAt", platform_post_id as "platformPostId",
  platform_url as "platformUrl", calls, lease_until as "leaseUntil"`;

const READ_LEDGER = statement(
  'read-ledger',
  `select ${LEDGER_COLUMNS} from publish_ledger where client_ref = ?`,
);

const TAKE_LEASE = statement(
  'take-ledger-lease',
  `update publish_ledger set lease_until = now() + make_interval(secs => ?), updated_at = now()
   where client_ref = ? and state = 'intent' and (lease_until is null or lease_until < now())
   returning ${LEDGER_COLUMNS}`,
);

const RENEW_LEASE = statement(
  'renew-ledger-lease',
  `update publish_ledger set lease_until = now() + make_interval(secs => ?)
   where id = ? and state = 'intent'`,
);

const RELEASE_LEASE = statement(
  'release-ledger-lease',
  `update publish_ledger set lease_until = null where id = ? and state = 'intent'`,
);

const COUNT_CALL = statement(
  'count-ledger-call',
  'update publish_ledger set calls = calls + 1, updated_at = now() where id = ?',
);

/** A ledger row as a statement returned it (times may come as text, from JSON). */
export const asLedgerRow = (row: LedgerRow): LedgerRow => ({
  ...row,
  intentAt: toDate(row.intentAt) ?? new Date(0),
  leaseUntil: toDate(row.leaseUntil),
});

/** The ledger row of one clientRef, if any. */
export async function readLedger(em: EntityManager, clientRef: string): Promise<LedgerRow | null> {
  const [row] = await runStatement<LedgerRow>(em, READ_LEDGER, [clientRef]);
  return row ? asLedgerRow(row) : null;
}

/**
 * Takes the lease on one clientRef's platform call, in one statement that holds no connection
 * after it: the row when this attempt holds the call now; null when the row is confirmed or
 * another attempt's lease has not lapsed.
 */
export async function takeLease(em: EntityManager, clientRef: string): Promise<LedgerRow | null> {
  const [row] = await runStatement<LedgerRow>(em, TAKE_LEASE, [CALL_LEASE_S, clientRef]);
  return row ? asLedgerRow(row) : null;
}

/** Keeps a held lease from lapsing while its call runs. */
export async function renewLease(em: EntityManager, ledgerId: string): Promise<void> {
  await runStatement(em, RENEW_LEASE, [CALL_LEASE_S, ledgerId]);
}

/** Lets the next attempt take the call at once (this one failed; the row stays an intent). */
export async function releaseLease(em: EntityManager, ledgerId: string): Promise<void> {
  await runStatement(em, RELEASE_LEASE, [ledgerId]);
}

/** Counts a platform "create" call on the ledger row, committed before the call is made. */
export async function countCall(em: EntityManager, ledgerId: string): Promise<void> {
  await runStatement(em, COUNT_CALL, [ledgerId]);
}
