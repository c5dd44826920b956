import { createHash } from 'node:crypto';
import { type EntityManager, runStatement, statement, toDate } from '@vibetribe/database';

/** Our stable reference for one (post, target, version): sha256, first 32 hex digits. */
export function clientRefFor(postId: string, targetId: string, version: number): string {
  return createHash('sha256').update(`${postId}:${targetId}:${version}`).digest('hex').slice(0, 32);
}

/** A ledger row as the publish path reads it. */
export interface LedgerRow {
  id: string;
  state: 'intent' | 'confirmed';
  intentAt: Date;
  platformPostId: string | null;
  platformUrl: string | null;
  calls: number;
}

const READ_LEDGER = statement(
  'read-ledger',
  `select id, state, intent_at as "intentAt", platform_post_id as "platformPostId",
     platform_url as "platformUrl", calls from publish_ledger where client_ref = ?`,
);

const LEDGER_LOCK = statement(
  'try-ledger-lock',
  'select pg_try_advisory_xact_lock(hashtextextended(?, 727002)) as locked',
);

const COUNT_CALL = statement(
  'count-ledger-call',
  'update publish_ledger set calls = calls + 1, updated_at = now() where id = ?',
);

/** The ledger row of one clientRef, if any. */
export async function readLedger(em: EntityManager, clientRef: string): Promise<LedgerRow | null> {
  const [row] = await runStatement<LedgerRow>(em, READ_LEDGER, [clientRef]);
  return row ? { ...row, intentAt: toDate(row.intentAt) ?? new Date(0) } : null;
}

/** Counts a platform "create" call on the ledger row, committed before the call is made. */
export async function countCall(em: EntityManager, ledgerId: string): Promise<void> {
  await runStatement(em, COUNT_CALL, [ledgerId]);
}

/**
 * Takes the transaction-scoped advisory lock of one clientRef without waiting; false when another
 * attempt holds it. Postgres releases it at commit, rollback, or when the holder's connection dies.
 */
export async function tryLedgerLock(tx: EntityManager, clientRef: string): Promise<boolean> {
  const [row] = await runStatement<{ locked: boolean }>(tx, LEDGER_LOCK, [`publish-ledger:${clientRef}`]);
  return row?.locked === true;
}
