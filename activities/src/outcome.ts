import {
  AUDIT_INSERT,
  auditParam,
  type EntityManager,
  OUTBOX_INSERT,
  outboxParam,
  type PostAuditEntry,
  type PostStatus,
  roundOutcome,
  runStatement,
  statement,
  type TargetError,
} from '@vibetribe/database';
import type {
  PublishOutcome,
  RecordOutcomeInput,
  RecordOutcomeResult,
  TargetResult,
} from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { auditActor, statusEvent, targetOutcome } from './post-rows';
import { type PostRow, readPost, type TargetRow } from './rows';

const REASONS: Record<PublishOutcome, string> = {
  published: 'all_targets_published',
  partially_published: 'some_targets_failed',
  failed: 'all_targets_failed',
  cancelled: 'cancelled',
};

/**
 * The round's failed and cancelled targets, the post's status and publish time, its status event and
 * its timeline entries: one statement.
 */
const WRITE_OUTCOME = statement(
  'write-round-outcome',
  `with changed as (
     update post_targets t set status = f.status, last_error = coalesce(f.error, t.last_error), updated_at = now()
     from jsonb_to_recordset(?::jsonb) as f(id uuid, status text, error jsonb) where t.id = f.id
   ), outbox as (${OUTBOX_INSERT}
   ), audit as (${AUDIT_INSERT})
   update posts set status = ?, published_at = ?, updated_at = now() where id = ?`,
);

/** The error a failed target keeps: the platform's own words the activity recorded, unless it never got the chance (a timeout). */
function failedError(target: TargetRow, error: { kind: string; message: string }): TargetError {
  if (target.lastError && error.kind !== 'timeout') return target.lastError;
  return { ...error, at: new Date().toISOString() };
}

/** A target's status after the round, or undefined when the round leaves it as it is. */
function nextStatus(target: TargetRow, result: TargetResult | undefined): 'failed' | 'cancelled' | undefined {
  if (!result || target.status === 'published' || target.status === 'cancelled') return undefined;
  if (result.kind === 'failed') return 'failed';
  return result.kind === 'cancelled' ? 'cancelled' : undefined;
}

/** A target the round changed, as `WRITE_OUTCOME` takes it. */
interface TargetChange {
  id: string;
  status: string;
  error: TargetError | null;
}

/** A target's final failure in a round, as the audit entry keeps it. */
interface RoundFailure {
  targetId: string;
  kind: string;
  message: string;
}

/**
 * Writes the post's status from its targets as `post.targets` now says (and its publish time), with
 * the round's target changes and the post's status event, audited when the status changed (after
 * `round.audit`, the caller's own entries of this transaction). A post an operator cancelled during
 * the round stays cancelled unless a target went out. Run inside the transaction that locked the post.
 */
export async function settlePost(
  tx: EntityManager,
  post: PostRow,
  round: { round: number; changes: TargetChange[]; failures: RoundFailure[]; audit?: PostAuditEntry[] },
): Promise<{ previous: PostStatus; status: PublishOutcome }> {
  const outcome = roundOutcome(post.targets);
  const status = post.status === 'cancelled' && outcome === 'failed' ? 'cancelled' : outcome;
  const previous = post.status;
  post.status = status;
  if ((status === 'published' || status === 'partially_published') && !post.publishedAt) {
    const times = post.targets.map((t) => (t.publishedAt ? Date.parse(t.publishedAt) : 0));
    post.publishedAt = new Date(Math.max(...times, 0) || Date.now());
  }
  const event = statusEvent(post, {
    previousStatus: previous,
    reason: REASONS[status],
    actor: auditActor(undefined),
  });
  const audit = [...(round.audit ?? [])];
  if (previous !== status) {
    audit.push({
      post,
      action: status,
      actor: auditActor(undefined),
      data: { round: round.round, version: post.version, failures: round.failures },
    });
  }
  await runStatement(tx, WRITE_OUTCOME, [
    JSON.stringify(round.changes),
    outboxParam([event]),
    auditParam(audit),
    status,
    post.publishedAt,
    post.id,
  ]);
  return { previous, status };
}

/**
 * Ends a round that did not end with its last target's confirmation (a failure, a cancel): failed
 * and cancelled targets written, the post's status from its targets.
 */
export function recordOutcome(deps: ActivityDeps) {
  return async (input: RecordOutcomeInput): Promise<RecordOutcomeResult> => {
    const results = new Map(input.results.map((r) => [r.targetId, r]));
    const done = await deps.orm.em.fork().transactional(async (tx) => {
      const post = await readPost(tx, input.postId, true);
      if (!post) throw new Error(`post ${input.postId} vanished during publishing`);
      const changes: TargetChange[] = [];
      for (const t of post.targets) {
        const result = results.get(t.id);
        const status = nextStatus(t, result);
        if (!status) continue;
        t.status = status;
        if (result?.kind === 'failed') t.lastError = failedError(t, result.error);
        changes.push({ id: t.id, status, error: status === 'failed' ? t.lastError : null });
      }
      const failures = input.results.flatMap((r) =>
        r.kind === 'failed' ? [{ targetId: r.targetId, ...r.error }] : [],
      );
      return { post, ...(await settlePost(tx, post, { round: input.round, changes, failures })) };
    });
    return {
      status: done.status,
      version: done.post.version,
      targets: done.post.targets.map(targetOutcome),
    };
  };
}
