import type { AccountTokensInput } from './account-tokens.contract';
import { accountTokensWorkflowId } from './account-tokens.contract';
import { organizationIdKey } from './search-attributes';

/**
 * How an account's token workflow is started, by the gateway (first store, reconnect) and by a publish
 * that met a 401 alike: the id `account-tokens-<accountId>` with `USE_EXISTING`, so a start finds
 * the running workflow, and one that ended (a disconnected account connected again) starts anew.
 */
export function accountTokensStartOptions(input: AccountTokensInput, taskQueue: string) {
  return {
    taskQueue,
    workflowId: accountTokensWorkflowId(input.accountId),
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    args: [input] as [AccountTokensInput],
    // The organization's filter in the Web UI (`VtOrgId = '<org>'`) finds its accounts' workflows too.
    typedSearchAttributes: [{ key: organizationIdKey, value: input.organizationId }],
  };
}
