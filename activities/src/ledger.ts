import { createHash, randomUUID } from 'node:crypto';
import { query, type Sql, toDate } from './rows';

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

/** The ledger row of one clientRef, if any. */
export async function readLedger(sql: Sql, clientRef: string): Promise<LedgerRow | null> {
  const rows = await query<LedgerRow>(
    sql,
    `select id, state, intent_at as "intentAt", platform_post_id as "platformPostId",
       platform_url as "platformUrl", calls from publish_ledger where client_ref = ?`,
    [clientRef],
  );
  const row = rows[0];
  return row ? { ...row, intentAt: toDate(row.intentAt) ?? new Date(0) } : null;
}

/**
 * Writes the `intent` row before any platform call, committed by itself. True when this call wrote it;
 * false when an earlier attempt did, which means a post may already exist and must be reconciled first.
 */
export async function ensureIntent(
  sql: Sql,
  targetId: string,
  version: number,
  clientRef: string,
): Promise<boolean> {
  const rows = await query(
    sql,
    `insert into publish_ledger (id, created_at, updated_at, target_id, content_version, client_ref, state,
       intent_at, calls)
     values (?, now(), now(), ?, ?, ?, 'intent', now(), 0) on conflict do nothing returning id`,
    [randomUUID(), targetId, version, clientRef],
  );
  return rows.length === 1;
}

/**
 * Takes the transaction-scoped advisory lock of one clientRef without waiting; false when another
 * attempt holds it. Postgres releases it at commit, rollback, or when the holder's connection dies.
 */
export async function tryLedgerLock(tx: Sql, clientRef: string): Promise<boolean> {
  const rows = await query<{ locked: boolean }>(
    tx,
    'select pg_try_advisory_xact_lock(hashtextextended(?, 727002)) as locked',
    [`publish-ledger:${clientRef}`],
  );
  return rows[0]?.locked === true;
}
