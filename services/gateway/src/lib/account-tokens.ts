import { WithStartWorkflowOperation } from '@temporalio/client';
import type { EntityManager, SocialAccount } from '@vibetribe/database';
import type { TokenSet } from '@vibetribe/platforms';
import { encryptAccountTokens } from '@vibetribe/runtime';
import {
  accountTokensStartOptions,
  accountTokensWorkflow,
  accountTokensWorkflowId,
  disconnectUpdate,
  reconnectedUpdate,
} from '@vibetribe/workflows';
import type { GatewayDeps } from '../context';
import { dependencyUnavailable } from '../errors';

type Deps = Pick<GatewayDeps, 'env' | 'secrets' | 'ops' | 'logger'>;

/** Temporal within the gateway's deadline; any failure is a 503 with nothing written. */
function withinDeadline<T>(deps: Deps, fn: () => Promise<T>): Promise<T> {
  return deps.ops.temporal.withDeadline(Date.now() + deps.env.TEMPORAL_DEADLINE_MS, fn).catch(() => {
    throw dependencyUnavailable('temporal');
  });
}

/**
 * Stores a connected account's tokens, inside the caller's transaction. The first store (a new row)
 * writes them and starts the account's token workflow before the commit, as posts start theirs: Temporal
 * down is a 503 and nothing written. A known account (connected again) hands its new tokens, encrypted,
 * to its token workflow's `reconnected` update (starting one if it ended), which stores them: after the
 * first store, every token write goes through the workflow.
 */
export async function storeAccountTokens(
  em: EntityManager,
  deps: Deps,
  account: SocialAccount,
  tokens: Pick<TokenSet, 'accessToken' | 'refreshToken' | 'expiresAt'>,
  isNew: boolean,
): Promise<void> {
  const orgId = account.organization.id;
  const enc = encryptAccountTokens(deps.secrets, orgId, account.id, tokens);
  const start = accountTokensStartOptions(
    { accountId: account.id, organizationId: orgId, platform: account.platform },
    deps.env.TEMPORAL_TASK_QUEUE,
  );
  if (isNew) {
    Object.assign(account, enc, { tokenExpiresAt: tokens.expiresAt });
    await em.persist(account).flush();
    await withinDeadline(deps, () => deps.ops.temporal.workflow.start(accountTokensWorkflow, start));
    return;
  }
  await withinDeadline(deps, () =>
    deps.ops.temporal.workflow.executeUpdateWithStart(reconnectedUpdate, {
      args: [{ ...enc, expiresAt: tokens.expiresAt ? tokens.expiresAt.toISOString() : null }],
      startWorkflowOperation: new WithStartWorkflowOperation(accountTokensWorkflow, start),
    }),
  );
}

/** Ends a disconnected account's token workflow (after the commit). Best effort: the workflow also ends when it next finds the account disconnected. */
export async function endAccountTokens(deps: Deps, accountId: string): Promise<void> {
  try {
    await withinDeadline(deps, () =>
      deps.ops.temporal.workflow
        .getHandle(accountTokensWorkflowId(accountId))
        .executeUpdate(disconnectUpdate),
    );
  } catch (err) {
    deps.logger.warn({ err, accountId }, 'account token workflow not told of the disconnect');
  }
}
