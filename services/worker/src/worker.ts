import type { Duration } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '@vibetribe/activities';
import { PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';

/** What a publishing worker runs against. */
export interface PublishingWorkerDeps {
  connection: NativeConnection;
  namespace?: string;
  activities: ActivityDeps;
}

/** Knobs tests and main turn; every one has a production default. */
export interface PublishingWorkerOptions {
  /** Default `PUBLISHING_TASK_QUEUE`; tests use a unique one per file. */
  taskQueue?: string;
  /** A prebuilt bundle (see `bundleWorkflowCode`); default: bundle `@vibetribe/workflows/dist/workflows`. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Bounded so that publishes running as local activities cannot exhaust the database pool. */
  maxConcurrentLocalActivityExecutions?: number;
  shutdownGraceTime?: Duration;
  identity?: string;
}

/** The module the worker loads workflows from: workflow functions only. */
export function publishingWorkflowsPath(): string {
  return require.resolve('@vibetribe/workflows/dist/workflows');
}

/** A worker for post workflows and their activities on one task queue; call `run()` to start polling. */
export function createPublishingWorker(
  deps: PublishingWorkerDeps,
  opts: PublishingWorkerOptions = {},
): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? PUBLISHING_TASK_QUEUE,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: publishingWorkflowsPath() }),
    activities: createActivities(deps.activities),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
    maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions ?? 40,
    maxConcurrentLocalActivityExecutions: opts.maxConcurrentLocalActivityExecutions ?? 20,
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}
