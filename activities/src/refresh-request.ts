import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { accountTokensStartOptions, accountTokensWorkflow, refreshNowUpdate } from '@vibetribe/workflows';
import type { RequestRefresh } from './tokens';

/**
 * `RequestRefresh` through Temporal: the account's token workflow's `refreshNow` update, with the
 * workflow started on `taskQueue` if it is not running (an account stored before it had one).
 */
export function temporalRequestRefresh(client: Client, taskQueue: string): RequestRefresh {
  return (account, usedTokenFingerprint) =>
    client.workflow.executeUpdateWithStart(refreshNowUpdate, {
      args: [{ usedTokenFingerprint }],
      startWorkflowOperation: new WithStartWorkflowOperation(
        accountTokensWorkflow,
        accountTokensStartOptions(account, taskQueue),
      ),
    });
}
