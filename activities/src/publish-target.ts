import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import {
  type EntityManager,
  PUBLISHABLE_POST_STATUSES,
  roundOutcome,
  recordPostAudit,
  runStatement,
  statement,
} from '@vibetribe/database';
import type { PublishResult, UploadedMedia } from '@vibetribe/platforms';
import {
  PUBLISH_ERROR_TYPES,
  type PublishOutcome,
  type PublishTargetInput,
  type PublishTargetResult,
} from '@vibetribe/workflows';
import { targetError, toActivityFailure } from './classify';
import { stillWaitingForCommit } from './commit-wait';
import { preparePost, type PreparedPost, type TargetContext, uploadMedia } from './content';
import { activityContext, currentAttempt, withHeartbeat } from './context';
import type { ActivityDeps } from './deps';
import { clientRefFor, countCall, type LedgerRow, readLedger, tryLedgerLock } from './ledger';
import { announceOutcome, settlePost } from './outcome';
import { announce, auditActor } from './post-rows';
import { type PostRow, readPost } from './rows';

type Published = Extract<PublishTargetResult, { kind: 'published' }>;

/** A target whose platform call may go ahead, with what the call needs. */
interface Call {
  input: PublishTargetInput;
  organizationId: string;
  clientRef: string;
  target: Loaded;
  /** This attempt wrote the intent, so no earlier call can have reached the platform. */
  freshIntent: boolean;
}

/** The target, its post's content, its account, and this version's ledger row if one exists. */
interface Loaded extends TargetContext {
  ledgerState: LedgerRow['state'] | null;
  ledgerPostId: string | null;
  ledgerUrl: string | null;
}

const LOAD_TARGET = statement(
  'load-publish-target',
  `select t.id as "targetId", t.post_id as "postId", p.organization_id as "organizationId", t.platform,
     p.content, p.platform_content as "platformContent", p.media_ids as "mediaIds",
     t.account_id as "accountId", a.status as "accountStatus", a.external_id as "externalId",
     a.access_token_enc as "accessTokenEnc", a.refresh_token_enc as "refreshTokenEnc",
     l.state as "ledgerState", l.platform_post_id as "ledgerPostId", l.platform_url as "ledgerUrl"
   from post_targets t
     join posts p on p.id = t.post_id
     join social_accounts a on a.id = t.account_id
     left join publish_ledger l on l.client_ref = ?
   where t.id = ?`,
);

/** The target and its post to `publishing`, and the ledger intent: true when this call wrote the intent. */
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
       intent_at, calls)
     values (?, now(), now(), ?, ?, ?, 'intent', now(), 0) on conflict do nothing returning id
   )
   select exists (select 1 from intent) as fresh`,
);

const CANCEL_TARGET = statement(
  'cancel-publish-target',
  `update post_targets set status = 'cancelled', updated_at = now()
   where id = ? and status not in ('published', 'cancelled')`,
);

const CONFIRM_TARGET = statement(
  'confirm-publish-target',
  `with ledger as (
     update publish_ledger set state = 'confirmed', platform_post_id = ?, platform_url = ?,
       confirmed_at = now(), updated_at = now()
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

const RECORD_FAILED_ATTEMPT = statement(
  'record-failed-publish-attempt',
  `with target as (
     update post_targets set attempts = attempts + 1, last_error = ?::jsonb, updated_at = now()
     where id = ? returning account_id
   )
   update social_accounts set status = 'needs_reconnect', updated_at = now()
   where ?::boolean and id in (select account_id from target)`,
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
type Begun = { done: PublishTargetResult } | { call: Call; marked?: { post: PostRow; previous: string } };

/**
 * Starts a target's attempt in one transaction on the locked post row: the post may have been
 * cancelled, deleted or moved later, and then no call is made; otherwise the target (and the post,
 * for the round's first target) goes to `publishing` and the ledger intent is written. An operator's
 * cancel (`markCancelled`) takes the same lock, so it either comes first and stops this call, or
 * finds the call begun.
 */
async function begin(deps: ActivityDeps, input: PublishTargetInput): Promise<Begun> {
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
    const stopped = post.deletedAt !== null || !PUBLISHABLE_POST_STATUSES.includes(post.status);
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
    const clientRef = clientRefFor(post.id, targetId, post.version);
    const [loaded] = await runStatement<Loaded>(tx, LOAD_TARGET, [clientRef, targetId]);
    if (!loaded) throw new Error(`target ${targetId} vanished`);
    const [started] = await runStatement<{ fresh: boolean }>(tx, START_TARGET, [
      targetId,
      post.id,
      randomUUID(),
      targetId,
      post.version,
      clientRef,
    ]);
    const call: Call = {
      input: { ...input, version: post.version },
      organizationId: post.organizationId,
      clientRef,
      target: loaded,
      freshIntent: loaded.ledgerState === null && started?.fresh === true,
    };
    if (post.status === 'publishing' || !PUBLISHABLE_POST_STATUSES.includes(post.status)) return { call };
    const previous = post.status;
    recordPostAudit(tx, post, 'publishing', auditActor(input.actor), {
      reason: input.reason,
      round: input.round,
      version: post.version,
    });
    post.status = 'publishing';
    for (const t of post.targets) if (t.id === targetId) t.status = 'publishing';
    return { call, marked: { post, previous } };
  });
}

/** Finds our post on the platform (an inherited intent), or creates it; the call is counted before each create. */
async function findOrCreate(
  deps: ActivityDeps,
  ledger: LedgerRow,
  call: Call,
  prepared: PreparedPost,
  media: UploadedMedia[],
): Promise<{ result: PublishResult; reused: boolean }> {
  const { connector, account, text } = prepared;
  if (!call.freshIntent) {
    const since = new Date(ledger.intentAt.getTime() - (deps.lookupSkewMs ?? 30_000));
    const found = await connector.lookup({ account, clientRef: call.clientRef, text, since });
    if (found) {
      deps.logger.info(
        { clientRef: call.clientRef, platformPostId: found.platformPostId },
        'reconciled an earlier publish',
      );
      return { result: found, reused: true };
    }
  }
  await countCall(deps.orm.em.fork(), ledger.id);
  const result = await connector.publish({
    account,
    text,
    media,
    clientRef: call.clientRef,
    idempotencyKey: call.clientRef,
  });
  return { result, reused: false };
}

/** What a confirmation wrote: the target's attempts, and the post when this target ended its round. */
interface Confirmed {
  attempts: number;
  ended?: { post: PostRow; previous: string; status: PublishOutcome };
}

/**
 * Confirms the ledger row and the target, with an audit entry when the target was not published
 * yet: one transaction on the locked post row, so all of it commits or none. When this was the last
 * live target and every one is published, the post's outcome is written in the same transaction
 * (the workflow then has nothing left to record).
 */
async function confirm(
  em: EntityManager,
  call: Pick<Call, 'input' | 'clientRef' | 'organizationId'> & { target: Pick<Loaded, 'platform'> },
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
    if (row.previous !== 'published') {
      recordPostAudit(tx, post, 'target_published', auditActor(undefined), {
        target_id: input.targetId,
        platform: call.target.platform,
        platform_post_id: result.platformPostId,
        url: result.url,
        version: input.version,
        reused,
      });
    }
    for (const t of post.targets) {
      if (t.id !== input.targetId) continue;
      Object.assign(t, { status: 'published', attempts: row.attempts, publishedAt: row.publishedAt });
      Object.assign(t, { platformPostId: result.platformPostId, platformUrl: result.url, lastError: null });
    }
    const last = roundOutcome(post.targets) === 'published';
    if (!last || (post.status !== 'publishing' && post.status !== 'cancelled')) {
      return { attempts: row.attempts };
    }
    const ended = await settlePost(tx, post, { round: input.round, changes: [], failures: [] });
    return { attempts: row.attempts, ended: { post, ...ended } };
  });
}

/**
 * The platform call under a per-clientRef advisory lock, so a second live attempt (a zombie worker's)
 * backs off instead of posting twice; the lock dies with the holder's connection if its worker is killed.
 */
async function publishOnce(deps: ActivityDeps, call: Call): Promise<Confirmed & { published: Published }> {
  const prepared = await preparePost(deps, call.target);
  const media = await uploadMedia(deps, prepared);
  const { result, reused, ...confirmed } = await deps.orm.em.fork().transactional(async (lockTx) => {
    if (!(await tryLedgerLock(lockTx, call.clientRef))) {
      throw ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.inFlight,
        message: `another attempt is publishing ${call.clientRef}`,
        nextRetryDelay: '5s',
      });
    }
    // Read after the lock: whatever the previous holder committed is visible now.
    const ledger = await readLedger(lockTx, call.clientRef);
    if (!ledger) throw new Error(`ledger row ${call.clientRef} vanished`);
    const outcome =
      ledger.state === 'confirmed' && ledger.platformPostId
        ? { result: { platformPostId: ledger.platformPostId, url: ledger.platformUrl ?? '' }, reused: true }
        : await findOrCreate(deps, ledger, call, prepared, media);
    // Committed on its own connection before the lock is released.
    return { ...outcome, ...(await confirm(deps.orm.em, call, outcome.result, outcome.reused)) };
  });
  const { attempts } = confirmed;
  return {
    ...confirmed,
    published: { kind: 'published', targetId: call.input.targetId, ...result, reused, attempts },
  };
}

/**
 * The post's status event once a target is published: the post's new status when this target ended
 * the round, else the post with its targets (its status unchanged).
 */
async function announcePublished(deps: ActivityDeps, call: Call, confirmed: Confirmed): Promise<void> {
  const { ended } = confirmed;
  if (ended) {
    await announceOutcome(deps, ended.post, { ...ended, round: call.input.round });
    return;
  }
  const post = await readPost(deps.orm.em.fork(), call.input.postId);
  if (!post) return;
  await announce(deps, post, {
    previousStatus: post.status,
    reason: 'target_published',
    actor: auditActor(undefined),
    msgId: `target-published:${call.clientRef}`,
  });
}

/** Keeps the attempt's failure on the target; an auth failure also flags the account for reconnection. */
async function recordFailedAttempt(deps: ActivityDeps, targetId: string, err: unknown): Promise<void> {
  const error = targetError(err);
  await runStatement(deps.orm.em.fork(), RECORD_FAILED_ATTEMPT, [
    JSON.stringify(error),
    targetId,
    error.kind === 'auth',
  ]);
}

/**
 * Publishes one target effectively once: an `intent` ledger row is committed before the platform call;
 * a confirmed row is returned as is; an unconfirmed one from an earlier attempt is reconciled with the
 * platform (`lookup`) and only created when the platform proves the post absent.
 */
export function publishTarget(deps: ActivityDeps) {
  return (input: PublishTargetInput): Promise<PublishTargetResult> =>
    withHeartbeat(async () => {
      const begun = await begin(deps, input);
      if ('done' in begun) return begun.done;
      const { call, marked } = begun;
      // The `publishing` event goes out beside the platform call rather than before it: the post's
      // time is the call's, and `announce` never throws.
      const announced = marked
        ? announce(deps, marked.post, {
            previousStatus: marked.previous,
            reason: input.reason,
            actor: auditActor(input.actor),
            msgId: `post-status:${input.postId}:${input.round}:publishing`,
          })
        : undefined;
      try {
        const { target } = call;
        let done: Confirmed & { published: Published };
        if (target.ledgerState === 'confirmed' && target.ledgerPostId) {
          const result = { platformPostId: target.ledgerPostId, url: target.ledgerUrl ?? '' };
          const confirmed = await confirm(deps.orm.em, call, result, true);
          const { attempts } = confirmed;
          done = {
            ...confirmed,
            published: { kind: 'published', targetId: input.targetId, ...result, reused: true, attempts },
          };
        } else {
          done = await publishOnce(deps, call);
        }
        await announced;
        await announcePublished(deps, call, done);
        return done.ended ? { ...done.published, postStatus: done.ended.status } : done.published;
      } catch (err) {
        deps.logger.warn(
          { err, targetId: input.targetId, attempt: currentAttempt() },
          'publish attempt failed',
        );
        await recordFailedAttempt(deps, input.targetId, err);
        throw toActivityFailure(err);
      } finally {
        await announced;
      }
    });
}
