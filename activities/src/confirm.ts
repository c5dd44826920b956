import {
  AUDIT_INSERT,
  auditParam,
  type EntityManager,
  OUTBOX_INSERT,
  outboxParam,
  type PostAuditEntry,
  roundOutcome,
  runStatement,
  statement,
} from '@vibetribe/database';
import type { PublishResult } from '@vibetribe/platforms';
import type { PublishOutcome } from '@vibetribe/workflows';
import { settlePost } from './outcome';
import { auditActor, statusEvent } from './post-rows';
import { type PostRow, readPost } from './rows';
import type { Call } from './start';

const CONFIRM_TARGET = statement(
  'confirm-publish-target',
  `with ledger as (
     update publish_ledger set state = 'confirmed', platform_post_id = ?, platform_url = ?,
       confirmed_at = now(), lease_until = null, updated_at = now()
     where client_ref = ? and state <> 'confirmed' returning id
   ), old as (
     select id, status from post_targets where id = ? for update
   )
   update post_targets t set status = 'published', platform_post_id = ?, platform_url = ?,
     last_error = null, published_at = coalesce(t.published_at, now()), attempts = t.attempts + 1,
     updated_at = now()
   from old where t.id = old.id
   returning t.attempts, old.status as previous, t.published_at as "publishedAt"`,
);

/** A published target's timeline entry and the post's status event, in one statement. */
const RECORD_TARGET_PUBLISHED = statement(
  'record-target-published',
  `with audit as (${AUDIT_INSERT}) ${OUTBOX_INSERT}`,
);

/** What a confirmation wrote: the target's attempts, and the post when this target ended its round. */
export interface Confirmed {
  attempts: number;
  ended?: { post: PostRow; previous: string; status: PublishOutcome };
}

/**
 * Confirms the ledger row and the target, with an audit entry when the target was not published
 * yet, and the post's status event: one transaction on the locked post row, so all of it commits or
 * none. When this was the last live target and every one is published, the post's outcome is written
 * in the same transaction (the workflow then has nothing left to record).
 */
export async function confirm(
  em: EntityManager,
  call: Pick<Call, 'input' | 'clientRef' | 'organizationId'> & { target: Pick<Call['target'], 'platform'> },
  result: PublishResult,
  reused: boolean,
): Promise<Confirmed> {
  const { input } = call;
  return em.fork().transactional(async (tx): Promise<Confirmed> => {
    const post = await readPost(tx, input.postId, true);
    const [row] = await runStatement<{ attempts: number; previous: string; publishedAt: string }>(
      tx,
      CONFIRM_TARGET,
      [result.platformPostId, result.url, call.clientRef, input.targetId, result.platformPostId, result.url],
    );
    if (!post || !row) throw new Error(`target ${input.targetId} vanished while publishing`);
    // A repeat confirmation (the target was published already) says nothing new.
    const audit: PostAuditEntry[] = [];
    if (row.previous !== 'published') {
      audit.push({
        post,
        action: 'target_published',
        actor: auditActor(undefined),
        data: {
          target_id: input.targetId,
          platform: call.target.platform,
          platform_post_id: result.platformPostId,
          url: result.url,
          version: input.version,
          reused,
        },
      });
    }
    for (const t of post.targets) {
      if (t.id !== input.targetId) continue;
      Object.assign(t, { status: 'published', attempts: row.attempts, publishedAt: row.publishedAt });
      Object.assign(t, { platformPostId: result.platformPostId, platformUrl: result.url, lastError: null });
    }
    const last = roundOutcome(post.targets) === 'published';
    if (!last || (post.status !== 'publishing' && post.status !== 'cancelled')) {
      // The post with this target published, its status unchanged.
      if (audit.length > 0) {
        const event = statusEvent(post, {
          previousStatus: post.status,
          reason: 'target_published',
          actor: auditActor(undefined),
        });
        await runStatement(tx, RECORD_TARGET_PUBLISHED, [auditParam(audit), outboxParam([event])]);
      }
      return { attempts: row.attempts };
    }
    const ended = await settlePost(tx, post, { round: input.round, changes: [], failures: [], audit });
    return { attempts: row.attempts, ended: { post, ...ended } };
  });
}
