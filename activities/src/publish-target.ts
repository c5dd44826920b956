import { runStatement, statement } from '@vibetribe/database';
import type { PublishTargetInput, PublishTargetResult } from '@vibetribe/workflows';
import { targetError, toActivityFailure } from './classify';
import { currentAttempt, withHeartbeat } from './context';
import type { ActivityDeps } from './deps';
import { callPlatform } from './platform-call';
import { untilAvailable } from './dependency';
import { enqueueReconnectNeeded } from './reconnect';
import { begin } from './start';

const RECORD_FAILED_ATTEMPT = statement(
  'record-failed-publish-attempt',
  `with target as (
     update post_targets set attempts = attempts + 1, last_error = ?::jsonb, updated_at = now()
     where id = ? returning account_id
   )
   update social_accounts set status = 'needs_reconnect', updated_at = now()
   where ?::boolean and status = 'connected' and id in (select account_id from target)
   returning id, organization_id as "organizationId"`,
);

/**
 * Keeps the attempt's failure on the target; an auth failure (after a refresh, where the platform has
 * one) also flags the account for reconnection, and the people who can fix it are told (one transaction).
 */
async function recordFailedAttempt(deps: ActivityDeps, targetId: string, err: unknown): Promise<void> {
  const error = targetError(err);
  await deps.orm.em.fork().transactional(async (tx) => {
    const [flagged] = await runStatement<{ id: string; organizationId: string }>(tx, RECORD_FAILED_ATTEMPT, [
      JSON.stringify(error),
      targetId,
      error.kind === 'auth',
    ]);
    if (flagged) await enqueueReconnectNeeded(tx, flagged);
  });
}

/**
 * Publishes one target effectively once (see the README): `begin` checks the post on its lock and
 * commits the `intent` ledger row; `callPlatform` makes the call under the row's lease, reconciling
 * an earlier attempt's intent with the platform (`lookup`) before it creates anything; `confirm`
 * records it, and ends the post when this was its last target.
 */
export function publishTarget(deps: ActivityDeps) {
  return (input: PublishTargetInput): Promise<PublishTargetResult> =>
    withHeartbeat(async () => {
      const begun = await untilAvailable(deps, 'starting the attempt', () => begin(deps, input));
      if ('done' in begun) return begun.done;
      const { call } = begun;
      try {
        const done = await callPlatform(deps, call);
        return done.ended ? { ...done.published, postStatus: done.ended.status } : done.published;
      } catch (err) {
        deps.logger.warn(
          { err, targetId: input.targetId, attempt: currentAttempt() },
          'publish attempt failed',
        );
        await untilAvailable(deps, 'recording the failed attempt', () =>
          recordFailedAttempt(deps, input.targetId, err),
        );
        throw toActivityFailure(err);
      }
    });
}
