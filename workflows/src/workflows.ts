// The worker's `workflowsPath`: workflow functions only, so the bundle holds nothing else.
export { publishPostWorkflow } from './publish-post';
export {
  analyticsSyncWorkflow,
  cleanupWorkflow,
  healthCheckWorkflow,
  stalledSweepWorkflow,
} from './periodic/periodic';
export { accountTokensWorkflow } from './account-tokens';
