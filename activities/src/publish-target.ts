import { ApplicationFailure } from '@temporalio/common';
import { PostTarget, PublishLedger } from '@vibetribe/database';
import type { PublishResult, UploadedMedia } from '@vibetribe/platforms';
import { PUBLISH_ERROR_TYPES, type PublishTargetInput, type PublishTargetResult } from '@vibetribe/workflows';
import { targetError, toActivityFailure } from './classify';
import { preparePost, type PreparedPost, uploadMedia } from './content';
import { currentAttempt, withHeartbeat } from './context';
import type { ActivityDeps } from './deps';
import { clientRefFor, ensureIntent, tryLedgerLock } from './ledger';
import { announce, auditActor } from './post-rows';
import { recordPostAudit } from '@vibetribe/database';

interface Call {
  input: PublishTargetInput;
  clientRef: string;
  prepared: PreparedPost;
  media: UploadedMedia[];
  /** This attempt wrote the intent, so no earlier call can have reached the platform. */
  freshIntent: boolean;
}

/** Finds our post on the platform (an inherited intent), or creates it; `calls` is committed before each create. */
async function findOrCreate(
  deps: ActivityDeps,
  ledger: PublishLedger,
  call: Call,
): Promise<{ result: PublishResult; reused: boolean }> {
  const { connector, account, text } = call.prepared;
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
  await deps.orm.em.fork().nativeUpdate(PublishLedger, { id: ledger.id }, { calls: ledger.calls + 1 });
  const result = await connector.publish({
    account,
    text,
    media: call.media,
    clientRef: call.clientRef,
    idempotencyKey: call.clientRef,
  });
  return { result, reused: false };
}

/** Confirms the ledger row and the target, with an audit entry, in one transaction. */
async function confirm(
  deps: ActivityDeps,
  call: Pick<Call, 'input' | 'clientRef'>,
  result: PublishResult,
  reused: boolean,
) {
  return deps.orm.em.fork().transactional(async (tx) => {
    const ledger = await tx.findOneOrFail(PublishLedger, { clientRef: call.clientRef });
    if (ledger.state !== 'confirmed') {
      Object.assign(ledger, {
        state: 'confirmed',
        platformPostId: result.platformPostId,
        platformUrl: result.url,
        confirmedAt: new Date(),
      });
    }
    const target = await tx.findOneOrFail(PostTarget, call.input.targetId, { populate: ['post'] });
    const already = target.status === 'published';
    Object.assign(target, {
      status: 'published',
      platformPostId: result.platformPostId,
      platformUrl: result.url,
      lastError: null,
    });
    target.publishedAt ??= new Date();
    target.attempts++;
    if (!already)
      recordPostAudit(tx, target.post, 'target_published', auditActor(undefined), {
        target_id: target.id,
        platform: target.platform,
        platform_post_id: result.platformPostId,
        url: result.url,
        version: call.input.version,
        reused,
      });
    await tx.populate(target.post, ['targets', 'targets.account']);
    return { post: target.post, attempts: target.attempts };
  });
}

/**
 * The platform call under a per-clientRef advisory lock, so a second live attempt (a zombie worker's)
 * backs off instead of posting twice; the lock dies with the holder's connection if its worker is killed.
 */
async function publishOnce(deps: ActivityDeps, call: Call): Promise<PublishTargetResult> {
  const { result, reused, post, attempts } = await deps.orm.em.fork().transactional(async (lockTx) => {
    if (!(await tryLedgerLock(lockTx, call.clientRef))) {
      throw ApplicationFailure.create({
        type: PUBLISH_ERROR_TYPES.inFlight,
        message: `another attempt is publishing ${call.clientRef}`,
        nextRetryDelay: '5s',
      });
    }
    const ledger = await deps.orm.em.fork().findOneOrFail(PublishLedger, { clientRef: call.clientRef });
    const outcome =
      ledger.state === 'confirmed' && ledger.platformPostId
        ? { result: { platformPostId: ledger.platformPostId, url: ledger.platformUrl ?? '' }, reused: true }
        : await findOrCreate(deps, ledger, call);
    return { ...outcome, ...(await confirm(deps, call, outcome.result, outcome.reused)) };
  });
  await announce(deps, post, {
    previousStatus: post.status,
    reason: 'target_published',
    actor: auditActor(undefined),
    msgId: `target-published:${call.clientRef}`,
  });
  return { targetId: call.input.targetId, ...result, reused, attempts };
}

/** Keeps the attempt's failure on the target; an auth failure also flags the account for reconnection. */
async function recordFailedAttempt(deps: ActivityDeps, targetId: string, err: unknown): Promise<void> {
  const em = deps.orm.em.fork();
  const target = await em.findOne(PostTarget, targetId, { populate: ['account'] });
  if (!target) return;
  target.attempts++;
  target.lastError = targetError(err);
  if (target.lastError.kind === 'auth') target.account.status = 'needs_reconnect';
  await em.flush();
}

/**
 * Publishes one target effectively once: an `intent` ledger row is committed before the platform call;
 * a confirmed row is returned as is; an unconfirmed one from an earlier attempt is reconciled with the
 * platform (`lookup`) and only created when the platform proves the post absent.
 */
export function publishTarget(deps: ActivityDeps) {
  return (input: PublishTargetInput): Promise<PublishTargetResult> =>
    withHeartbeat(async () => {
      const em = deps.orm.em.fork();
      const target = await em.findOne(
        PostTarget,
        { id: input.targetId, post: input.postId },
        { populate: ['post', 'account'] },
      );
      if (!target) {
        throw ApplicationFailure.create({
          type: PUBLISH_ERROR_TYPES.permanent,
          nonRetryable: true,
          message: `no target ${input.targetId} on post ${input.postId}`,
        });
      }
      const clientRef = clientRefFor(input.postId, input.targetId, input.version);
      try {
        const confirmed = await em.findOne(PublishLedger, { clientRef, state: 'confirmed' });
        if (confirmed?.platformPostId) {
          const result = { platformPostId: confirmed.platformPostId, url: confirmed.platformUrl ?? '' };
          const { attempts } = await confirm(deps, { input, clientRef }, result, true);
          return { targetId: input.targetId, ...result, reused: true, attempts };
        }
        const prepared = await preparePost(deps, em, target);
        const media = await uploadMedia(deps, prepared);
        const freshIntent = await ensureIntent(deps, input.targetId, input.version, clientRef);
        return await publishOnce(deps, { input, clientRef, prepared, media, freshIntent });
      } catch (err) {
        deps.logger.warn(
          { err, targetId: input.targetId, attempt: currentAttempt() },
          'publish attempt failed',
        );
        await recordFailedAttempt(deps, input.targetId, err);
        throw toActivityFailure(err);
      }
    });
}
