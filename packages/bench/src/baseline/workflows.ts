// The baseline worker's `workflowsPath`: the bare minimum a post workflow could be, one no-op activity.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Starts, runs one no-op activity, completes. */
export async function noopWorkflow(): Promise<void> {
  await noop();
}

const { stamp } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** Sleeps on a durable timer until `dueAt` (epoch ms), then runs one no-op activity; returns when it ran. */
export async function sleepThenStampWorkflow(dueAt: number): Promise<number> {
  const wait = dueAt - Date.now();
  if (wait > 0) await sleep(wait);
  return stamp();
}
