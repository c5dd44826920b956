import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  AUDIT_INSERT,
  auditParam,
  type EntityManager,
  type MediaStatus,
  OUTBOX_INSERT,
  type OutboxEvent,
  outboxParam,
  type PostAuditEntry,
  WORKFLOW_POST_STATUSES,
  recordPostAudit,
  runStatement,
  statement,
} from '@vibetribe/database';
import { PUBLISH_ERROR_TYPES, type PublishTargetInput, type PublishTargetResult } from '@vibetribe/workflows';
import { stillWaitingForCommit } from './commit-wait';
import type { TargetContext } from './content';
import { activityContext } from './context';
import type { ActivityDeps } from './deps';
import { asLedgerRow, CALL_LEASE_S, clientRefFor, LEDGER_COLUMNS, type LedgerRow } from './ledger';
import { auditActor, statusEvent } from './post-rows';
import { type PostRow, readPost } from './rows';

/** A target whose platform call may go ahead, with what the call needs. */
export interface Call {
  input: PublishTargetInput;
  organizationId: string;
  clientRef: string;
  target: TargetContext;
  /**
   * The intent this attempt wrote, with the call's lease already taken and the call counted: no
   * earlier call can have reached the platform. Absent when an earlier attempt wrote it.
   */
  freshIntent?: LedgerRow;
}

/**
 * The target and its post to `publishing`, the ledger intent with the call's lease and the call
 * counted (an earlier attempt's intent is left as it is: `callPlatform` takes its lease), and the
 * post's status event and timeline entry. Returns the target with its post's content and its
 * account, and the intent when this statement wrote it.
 */
const START_TARGET = statement(
  'start-publish-target',
  `with target as (
     update post_targets set status = 'publishing', updated_at = now()
     where id = ? and status not in ('publishing', 'published')
   ), post as (
     update posts set status = 'publishing', updated_at = now()
     where id = ? and status in ('scheduled', 'failed', 'partially_published')
   ), intent as (
     insert into publish_ledger (id, created_at, updated_at, target_id, content_version, client_ref, state,
       intent_at, calls, lease_until)
     values (?, now(), now(), ?, ?, ?, 'intent', now(), 1, now() + make_interval(secs => ?))
     on conflict do nothing returning ${LEDGER_COLUMNS}
   ), outbox as (${OUTBOX_INSERT}
   ), audit as (${AUDIT_INSERT})
   select t.id as "targetId", t.post_id as "postId", p.organization_id as "organizationId", t.platform,
     p.content, p.platform_content as "platformContent", p.media_ids as "mediaIds",
     t.account_id as "accountId", a.status as "accountStatus", a.external_id as "externalId",
     a.access_token_enc as "accessTokenEnc", a.refresh_token_enc as "refreshTokenEnc",
     (select row_to_json(intent) from intent) as intent
   from post_targets t
     join posts p on p.id = t.post_id
     join social_accounts a on a.id = t.account_id
   where t.id = ?`,
);

const MEDIA_STATES = statement(
  'read-post-media-states',
  `select id, status, error from media where id = any(?::uuid[]) and organization_id = ?`,
);

/** What the post's media allow: a call now, a wait for the ones processing, or a failure (why). */
async function mediaCheck(
  tx: EntityManager,
  post: PostRow,
): Promise<{ failed?: string; processing: string[] }> {
  if (post.mediaIds.length === 0) return { processing: [] };
  const rows = await runStatement<{ id: string; status: MediaStatus; error: string | null }>(
    tx,
    MEDIA_STATES,
    [post.mediaIds, post.organizationId],
  );
  for (const id of post.mediaIds) {
    const row = rows.find((m) => m.id === id);
    if (!row) return { failed: `medium ${id} no longer exists`, processing: [] };
    if (row.status === 'failed') {
      return { failed: `medium ${id} failed processing: ${row.error ?? 'no reason given'}`, processing: [] };
    }
  }
  return { processing: rows.filter((m) => m.status === 'processing').map((m) => m.id) };
}

const CANCEL_TARGET = statement(
  'cancel-publish-target',
  `update post_targets set status = 'cancelled', updated_at = now()
   where id = ? and status not in ('published', 'cancelled')`,
);

/**
 * A timer round's post that the gateway rescheduled after the workflow's time (a newer version than
 * the workflow has seen, due later): its signal is on the way, and the round must not publish. A time
 * moved by an operator's signal alone is the workflow's, and leaves the row's older time behind.
 */
function movedLater(post: PostRow, input: PublishTargetInput): boolean {
  if (!input.dueAt || post.status !== 'scheduled' || post.version <= input.version) return false;
  return post.scheduledAt !== null && post.scheduledAt.getTime() > Date.parse(input.dueAt);
}

/** The outcome of `begin`: a result with no platform call, or the call to make. */
export type Begun = { done: PublishTargetResult } | { call: Call };

/**
 * Starts a target's attempt in one transaction on the locked post row: the post may have been
 * cancelled, deleted or moved later, and then no call is made; otherwise the target (and the post,
 * for the round's first target, with its status event) goes to `publishing` and the ledger intent is
 * written. An operator's
 * cancel (`markCancelled`) takes the same lock, so it either comes first and stops this call, or
 * finds the call begun.
 */
export async function begin(deps: ActivityDeps, input: PublishTargetInput): Promise<Begun> {
  if (activityContext()?.cancellationSignal.aborted) throw new CancelledFailure('cancelled before its call');
  const { targetId } = input;
  return deps.orm.em.fork().transactional(async (tx): Promise<Begun> => {
    const post = await readPost(tx, input.postId, true);
    if (!post) {
      stillWaitingForCommit(deps, `post ${input.postId} not found`);
      return { done: { kind: 'cancelled', targetId } };
    }
    if (post.version < input.version)
      stillWaitingForCommit(deps, `post ${post.id} is at v${post.version}, not v${input.version}`);
    const target = post.targets.find((t) => t.id === targetId);
    if (!target) {
      throw ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.permanent,
        nonRetryable: true,
        message: `no target ${targetId} on post ${input.postId}`,
      });
    }
    // A published target is returned as it is (below); any other makes no call on a post that stopped.
    const stopped = post.deletedAt !== null || !WORKFLOW_POST_STATUSES.includes(post.status);
    if (target.status !== 'published' && (stopped || target.status === 'cancelled')) {
      await runStatement(tx, CANCEL_TARGET, [targetId]);
      return { done: { kind: 'cancelled', targetId } };
    }
    if (movedLater(post, input)) {
      return {
        done: {
          kind: 'moved',
          targetId,
          scheduledAt: post.scheduledAt!.toISOString(),
          version: post.version,
        },
      };
    }
    const media = await mediaCheck(tx, post);
    if (media.failed) {
      throw ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.mediaFailed,
        nonRetryable: true,
        message: media.failed,
      });
    }
    if (media.processing.length > 0) {
      recordPostAudit(tx, post, 'waiting_for_media', auditActor(input.actor), {
        target_id: targetId,
        media_ids: media.processing,
        round: input.round,
      });
      return { done: { kind: 'waiting_media', targetId, mediaIds: media.processing } };
    }
    // The round's first target moves the post to `publishing`: its timeline entry and its event are
    // written with this statement (no round trip of their own).
    const events: OutboxEvent[] = [];
    const audit: PostAuditEntry[] = [];
    if (post.status !== 'publishing' && WORKFLOW_POST_STATUSES.includes(post.status)) {
      const previousStatus = post.status;
      const actor = auditActor(input.actor);
      audit.push({
        post,
        action: 'publishing',
        actor,
        data: { reason: input.reason, round: input.round, version: post.version },
      });
      post.status = 'publishing';
      for (const t of post.targets) if (t.id === targetId) t.status = 'publishing';
      events.push(statusEvent(post, { previousStatus, reason: input.reason, actor }));
    }
    const clientRef = clientRefFor(post.id, targetId, post.version);
    const [started] = await runStatement<TargetContext & { intent: LedgerRow | null }>(tx, START_TARGET, [
      targetId,
      post.id,
      randomUUID(),
      targetId,
      post.version,
      clientRef,
      CALL_LEASE_S,
      outboxParam(events),
      auditParam(audit),
      targetId,
    ]);
    if (!started) throw new Error(`target ${targetId} vanished`);
    const { intent, ...context } = started;
    return {
      call: {
        input: { ...input, version: post.version },
        organizationId: post.organizationId,
        clientRef,
        target: context,
        ...(intent ? { freshIntent: asLedgerRow(intent) } : {}),
      },
    };
  });
}
