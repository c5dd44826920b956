/** Temporal helpers the benchmarks share: the task queue's backlog, and cleaning up the workflows a run started. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { mapLimit, progress } from './report';

/**
 * Workflow tasks waiting on a task queue itself (not a worker's sticky queue): after seeding, the first
 * tasks of started workflows that no worker has picked up yet. -1 when the server cannot say.
 */
export async function workflowTaskBacklog(client: Client, taskQueue: string): Promise<number> {
  const { TaskQueueKind, TaskQueueType } = temporal.api.enums.v1;
  try {
    const res = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    return Number(res.stats?.approximateBacklogCount ?? 0);
  } catch {
    return -1;
  }
}

/** A visibility query for every workflow on a task queue. */
export const onTaskQueue = (queue: string): string => `TaskQueue = '${queue}'`;

/** Terminates the running workflows `query` matches (a failed post waits days for a retry); resolves with how many. */
export async function terminateRunning(client: Client, query: string): Promise<number> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: `${query} AND ExecutionStatus = 'Running'` })) {
    ids.push(wf.workflowId);
  }
  const done = await mapLimit(ids, 16, (id) =>
    client.workflow
      .getHandle(id)
      .terminate('benchmark finished')
      .then(
        () => true,
        () => false, // it completed meanwhile (the visibility store lags a little)
      ),
  );
  const terminated = done.filter(Boolean).length;
  if (terminated) progress(`terminated ${terminated} running workflows (${query})`);
  return terminated;
}

/**
 * Deletes the workflows `query` matches (histories and visibility rows; a running one is terminated
 * first): the dev server keeps closed histories for the namespace's retention, and a run leaves many
 * thousands. In one SQLite file they add up (lateness p99 2.6 s on a 2.4 GB file, 0.52 s after wiping it).
 */
export async function deleteWorkflows(client: Client, query: string): Promise<void> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const wf of client.workflow.list({ query })) {
    runs.push({ workflowId: wf.workflowId, runId: wf.runId });
  }
  const done = await mapLimit(runs, 32, (execution) =>
    client.workflowService
      .deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: execution })
      .then(
        () => true,
        () => false,
      ),
  );
  progress(`deleted ${done.filter(Boolean).length} of ${runs.length} workflows (${query})`);
}

/** Deletes the run's workflows, or with `keep` only terminates those still running. Never throws. */
export async function cleanUpWorkflows(client: Client, queries: string[], keep: boolean): Promise<void> {
  for (const query of queries) {
    await (keep ? terminateRunning(client, query) : deleteWorkflows(client, query)).catch((err: unknown) =>
      progress(`could not clean up the workflows (${query}): ${String(err)}`),
    );
  }
}

/** Above this many running workflows on the server before a run, its figures are flagged on stderr. */
const BUSY_SERVER_WORKFLOWS = 100;

/**
 * Says on stderr how many workflows already run on the server. The test suites and earlier runs leave
 * some (an account's token workflow runs until it is disconnected); each one's timers and tasks take the
 * server's CPU from the run, so a busy server gives lower figures for both the product and the baseline.
 */
export async function reportRunningWorkflows(client: Client): Promise<void> {
  const query = "ExecutionStatus = 'Running'";
  const running = await client.workflow.count(query).then(
    (r) => r.count,
    () => -1,
  );
  if (running > BUSY_SERVER_WORKFLOWS) {
    progress(
      `warning: ${running} workflows are already running on this Temporal server (earlier tests or runs); ` +
        `the figures will be lower than on an idle server. On a server that holds no real posts, stop them with: ` +
        `temporal workflow terminate --query "${query}" --reason benchmark --yes`,
    );
  }
}
