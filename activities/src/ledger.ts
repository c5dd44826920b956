import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type EntityManager, PostTarget, PublishLedger } from '@vibetribe/database';
import type { ActivityDeps } from './deps';

/** Our stable reference for one (post, target, version): sha256, first 32 hex digits. */
export function clientRefFor(postId: string, targetId: string, version: number): string {
  return createHash('sha256').update(`${postId}:${targetId}:${version}`).digest('hex').slice(0, 32);
}

/**
 * Writes the `intent` row before any platform call and commits it. True when this call wrote it; false
 * when an earlier attempt did, which means a post may already exist and must be reconciled first.
 */
export async function ensureIntent(
  deps: ActivityDeps,
  targetId: string,
  version: number,
  clientRef: string,
): Promise<boolean> {
  const em = deps.orm.em.fork();
  if (await em.findOne(PublishLedger, { clientRef })) return false;
  em.persist(new PublishLedger(em.getReference(PostTarget, targetId), version, clientRef));
  try {
    await em.flush();
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) return false;
    throw err;
  }
}

/**
 * Takes the transaction-scoped advisory lock of one clientRef without waiting; false when another
 * attempt holds it. Postgres releases it at commit, rollback, or when the holder's connection dies.
 */
export async function tryLedgerLock(tx: EntityManager, clientRef: string): Promise<boolean> {
  const rows = await tx.execute<{ locked: boolean }[]>(
    'select pg_try_advisory_xact_lock(hashtextextended(?, 727002)) as locked',
    [`publish-ledger:${clientRef}`],
  );
  return rows[0]?.locked === true;
}
