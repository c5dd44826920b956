import { ApplicationFailure } from '@temporalio/common';
import type { PublishResult, UploadedMedia } from '@vibetribe/platforms';
import { PUBLISH_ERROR_TYPES, type PublishTargetInput, type PublishTargetResult } from '@vibetribe/workflows';
import { targetError, toActivityFailure } from './classify';
import { preparePost, type PreparedPost, type TargetContext, uploadMedia } from './content';
import { currentAttempt, withHeartbeat } from './context';
import type { ActivityDeps } from './deps';
import { clientRefFor, ensureIntent, type LedgerRow, readLedger, tryLedgerLock } from './ledger';
import { announce, auditActor } from './post-rows';
import { query, readPost, type Sql, sqlOf } from './rows';

interface Call {
  input: PublishTargetInput;
  clientRef: string;
  target: TargetContext;
  prepared: PreparedPost;
  media: UploadedMedia[];
  /** This attempt wrote the intent, so no earlier call can have reached the platform. */
  freshIntent: boolean;
}

/** The target, its post's content, its account, and this version's ledger row if one exists: one statement. */
interface Loaded extends TargetContext {
  ledgerState: LedgerRow['state'] | null;
  ledgerPostId: string | null;
  ledgerUrl: string | null;
}

async function loadTarget(sql: Sql, input: PublishTargetInput, clientRef: string): Promise<Loaded | null> {
  const rows = await query<Loaded>(
    sql,
    `select t.id as "targetId", t.post_id as "postId", p.organization_id as "organizationId", t.platform,
       p.content, p.platform_content as "platformContent", p.media_ids as "mediaIds",
       t.account_id as "accountId", a.status as "accountStatus", a.external_id as "externalId",
       a.access_token_enc as "accessTokenEnc", a.refresh_token_enc as "refreshTokenEnc",
       l.state as "ledgerState", l.platform_post_id as "ledgerPostId", l.platform_url as "ledgerUrl"
     from post_targets t
       join posts p on p.id = t.post_id
       join social_accounts a on a.id = t.account_id
       left join publish_ledger l on l.client_ref = ?
     where t.id = ? and t.post_id = ?`,
    [clientRef, input.targetId, input.postId],
  );
  return rows[0] ?? null;
}

/** Finds our post on the platform (an inherited intent), or creates it; `calls` is committed before each create. */
async function findOrCreate(
  deps: ActivityDeps,
  ledger: LedgerRow,
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
  await query(sqlOf(deps), 'update publish_ledger set calls = calls + 1, updated_at = now() where id = ?', [
    ledger.id,
  ]);
  const result = await connector.publish({
    account,
    text,
    media: call.media,
    clientRef: call.clientRef,
    idempotencyKey: call.clientRef,
  });
  return { result, reused: false };
}

/**
 * Confirms the ledger row and the target, with an audit entry when the target was not published
 * yet: one statement, so all of it commits or none. Resolves with the target's attempts.
 */
async function confirm(
  sql: Sql,
  call: Pick<Call, 'input' | 'clientRef'> & { target: Pick<TargetContext, 'organizationId' | 'platform'> },
  result: PublishResult,
  reused: boolean,
): Promise<{ attempts: number }> {
  const { input, target } = call;
  const audit = {
    target_id: input.targetId,
    platform: target.platform,
    platform_post_id: result.platformPostId,
    url: result.url,
    version: input.version,
    reused,
  };
  const rows = await query<{ attempts: number }>(
    sql,
    `with ledger as (
       update publish_ledger set state = 'confirmed', platform_post_id = ?, platform_url = ?,
         confirmed_at = now(), updated_at = now()
       where client_ref = ? and state <> 'confirmed' returning id
     ), old as (
       select id, status from post_targets where id = ? for update
     ), target as (
       update post_targets t set status = 'published', platform_post_id = ?, platform_url = ?,
         last_error = null, published_at = coalesce(t.published_at, now()), attempts = t.attempts + 1,
         updated_at = now()
       from old where t.id = old.id returning t.attempts, old.status as previous
     ), audit as (
       insert into audit_events (id, created_at, updated_at, organization_id, subject_type, subject_id, action,
         actor_type, actor_id, data)
       select gen_random_uuid(), clock_timestamp(), clock_timestamp(), ?, 'post', ?, 'target_published',
         'workflow', null, ?::jsonb
       from target where target.previous <> 'published'
     )
     select attempts from target`,
    [
      result.platformPostId,
      result.url,
      call.clientRef,
      input.targetId,
      result.platformPostId,
      result.url,
      target.organizationId,
      input.postId,
      JSON.stringify(audit),
    ],
  );
  const row = rows[0];
  if (!row) throw new Error(`target ${input.targetId} vanished while publishing`);
  return row;
}

/**
 * The platform call under a per-clientRef advisory lock, so a second live attempt (a zombie worker's)
 * backs off instead of posting twice; the lock dies with the holder's connection if its worker is killed.
 */
async function publishOnce(deps: ActivityDeps, call: Call): Promise<PublishTargetResult> {
  const sql = sqlOf(deps);
  const { result, reused, attempts } = await sql.transaction(async (lockTx) => {
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
        : await findOrCreate(deps, ledger, call);
    // Committed on its own connection before the lock is released.
    return { ...outcome, ...(await confirm(sql, call, outcome.result, outcome.reused)) };
  });
  const post = await readPost(sql, call.input.postId);
  if (post) {
    await announce(deps, post, {
      previousStatus: post.status,
      reason: 'target_published',
      actor: auditActor(undefined),
      msgId: `target-published:${call.clientRef}`,
    });
  }
  return { targetId: call.input.targetId, ...result, reused, attempts };
}

/** Keeps the attempt's failure on the target; an auth failure also flags the account for reconnection. */
async function recordFailedAttempt(deps: ActivityDeps, targetId: string, err: unknown): Promise<void> {
  const error = targetError(err);
  await query(
    sqlOf(deps),
    `with target as (
       update post_targets set attempts = attempts + 1, last_error = ?::jsonb, updated_at = now()
       where id = ? returning account_id
     )
     update social_accounts set status = 'needs_reconnect', updated_at = now()
     where ?::boolean and id in (select account_id from target)`,
    [JSON.stringify(error), targetId, error.kind === 'auth'],
  );
}

/**
 * Publishes one target effectively once: an `intent` ledger row is committed before the platform call;
 * a confirmed row is returned as is; an unconfirmed one from an earlier attempt is reconciled with the
 * platform (`lookup`) and only created when the platform proves the post absent.
 */
export function publishTarget(deps: ActivityDeps) {
  return (input: PublishTargetInput): Promise<PublishTargetResult> =>
    withHeartbeat(async () => {
      const sql = sqlOf(deps);
      const clientRef = clientRefFor(input.postId, input.targetId, input.version);
      const target = await loadTarget(sql, input, clientRef);
      if (!target) {
        throw ApplicationFailure.create({
          type: PUBLISH_ERROR_TYPES.permanent,
          nonRetryable: true,
          message: `no target ${input.targetId} on post ${input.postId}`,
        });
      }
      try {
        if (target.ledgerState === 'confirmed' && target.ledgerPostId) {
          const result = { platformPostId: target.ledgerPostId, url: target.ledgerUrl ?? '' };
          const { attempts } = await confirm(sql, { input, clientRef, target }, result, true);
          return { targetId: input.targetId, ...result, reused: true, attempts };
        }
        const prepared = await preparePost(deps, target);
        const media = await uploadMedia(deps, prepared);
        const freshIntent =
          target.ledgerState === null && (await ensureIntent(sql, input.targetId, input.version, clientRef));
        return await publishOnce(deps, { input, clientRef, target, prepared, media, freshIntent });
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
