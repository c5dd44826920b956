import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ACCOUNT_TOKEN_ACTIVITY_OPTIONS,
  type AccountTokenActivities,
  type AccountTokenState,
} from './account-tokens.activities';
import {
  type AccountTokensInput,
  accountTokensStatusQuery,
  DEFAULT_REFRESH_MARGIN_MS,
  disconnectUpdate,
  reconnectedUpdate,
  refreshNowUpdate,
} from './account-tokens.contract';

const tokens = proxyLocalActivities<AccountTokenActivities>(ACCOUNT_TOKEN_ACTIVITY_OPTIONS);

/** How long a refresh that failed for a passing reason (the platform down) waits before the next. */
const RETRY_AFTER_MS = 60_000;
/** A run's history stays well under Temporal's limits: past this, the workflow continues as new. */
const MAX_HISTORY_EVENTS = 2_000;

/**
 * Runs `fn` after every earlier call has finished. Handlers and the main loop share the account's
 * tokens; workflow code is single-threaded, but two handlers awaiting activities would interleave.
 */
function oneAtATime() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * One per connected account (`account-tokens-<accountId>`): refreshes the token ahead of its expiry,
 * and is the one writer of the account's tokens after their first store, so refreshes cannot race.
 * Its updates run one at a time: `refreshNow` (a publish met a 401), `reconnected` (a new OAuth round
 * trip's tokens) and `disconnect` (ends it). A refused refresh flags the account `needs_reconnect`;
 * the workflow then waits for `reconnected`. It ends when the account is disconnected.
 */
export async function accountTokensWorkflow(input: AccountTokensInput): Promise<void> {
  const account = {
    accountId: input.accountId,
    organizationId: input.organizationId,
    platform: input.platform,
  };
  const margin = input.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const exclusive = oneAtATime();
  let ended = false;
  /** A handler stored tokens: the expiry must be read again. */
  let changed = false;
  let refreshes = 0;

  setHandler(refreshNowUpdate, (req) =>
    exclusive(async () => {
      const outcome = await tokens.refreshAccountTokens({ ...account, ...req });
      if (outcome === 'refreshed') refreshes++;
      changed = true;
      return outcome;
    }),
  );
  setHandler(reconnectedUpdate, (stored) =>
    exclusive(async () => {
      await tokens.storeReconnectedTokens({ ...account, ...stored });
      changed = true;
    }),
  );
  setHandler(disconnectUpdate, () =>
    exclusive(() => {
      ended = true;
      return Promise.resolve();
    }),
  );
  setHandler(accountTokensStatusQuery, () => ({ refreshes, state: ended ? 'ended' : 'watching' }));

  while (!ended) {
    let state: AccountTokenState;
    try {
      state = await exclusive(() => tokens.readAccountTokenState(account));
    } catch {
      break; // the account's row never appeared: nothing to watch
    }
    if (state.status === 'disconnected') {
      // A `reconnected` queued behind this read (the update that started this run) revives it.
      await condition(allHandlersFinished);
      if (!changed) break;
      changed = false;
      continue;
    }
    changed = false;
    const due =
      state.status === 'connected' && state.refreshable && state.expiresInMs !== null
        ? Math.max(state.expiresInMs - margin, 0)
        : undefined;
    if (due === undefined) {
      // Nothing to refresh ahead of: wait for new tokens or the end.
      await condition(() => ended || changed);
    } else if (!(await condition(() => ended || changed, due))) {
      const outcome = await exclusive(() => tokens.refreshAccountTokens(account)).catch(() => null);
      if (outcome === 'refreshed') refreshes++;
      // Down for now: try again a little later rather than at once.
      if (outcome === null) await condition(() => ended || changed, RETRY_AFTER_MS);
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > MAX_HISTORY_EVENTS) {
      await condition(allHandlersFinished);
      if (!ended) return continueAsNew<typeof accountTokensWorkflow>(input);
    }
  }
  await condition(allHandlersFinished);
}
