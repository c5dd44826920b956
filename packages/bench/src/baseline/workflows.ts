// The baseline worker's `workflowsPath`: the bare minimum a post workflow could be, one no-op activity.
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Starts, runs one no-op activity, completes. */
export async function noopWorkflow(): Promise<void> {
  await noop();
}
