// The baseline worker's `workflowsPath`: the bare minimum a post workflow could be, one no-op activity.
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop, stamp } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Starts, runs one no-op activity, completes. */
export async function noopWorkflow(): Promise<void> {
  await noop();
}

/**
 * Sleeps on a durable timer until `dueAt` (epoch ms), then runs one no-op activity that stamps the
 * workflow id with the time it ran; returns that time.
 */
export async function sleepThenStampWorkflow(dueAt: number): Promise<number> {
  const wait = dueAt - Date.now();
  if (wait > 0) await sleep(wait);
  return stamp(workflowInfo().workflowId);
}
