import type { Duration } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '@vibetribe/activities';
import { PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';
import { workflowSlots } from './workflow-slots';

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
  /** Workflow tasks in work at once, not counting held rounds (see `workflowSlots`). */
  maxConcurrentWorkflowTaskExecutions?: number;
  /**
   * Local activities using the database at once, bounded so that publishes running as local
   * activities cannot exhaust the database pool.
   */
  maxConcurrentLocalActivityExecutions?: number;
  /**
   * Timer rounds waiting out their last `PUBLISH_LEAD_MS` at once. Each holds a local-activity slot
   * (but no database connection), so the local-activity slots grow by this much; its workflow task's
   * slot is not counted against `maxConcurrentWorkflowTaskExecutions` while it waits.
   */
  maxHeldRounds?: number;
  shutdownGraceTime?: Duration;
  identity?: string;
}

/** Default of `maxHeldRounds`: at 100 posts due per second, a second's worth, with room for bursts. */
export const DEFAULT_MAX_HELD_ROUNDS = 200;

/** The module the worker loads workflows from: workflow functions only. */
export function publishingWorkflowsPath(): string {
  return require.resolve('@vibetribe/workflows/dist/workflows');
}

/** A worker for post workflows and their activities on one task queue; call `run()` to start polling. */
export function createPublishingWorker(
  deps: PublishingWorkerDeps,
  opts: PublishingWorkerOptions = {},
): Promise<Worker> {
  const local = opts.maxConcurrentLocalActivityExecutions ?? 20;
  const held = opts.maxHeldRounds ?? DEFAULT_MAX_HELD_ROUNDS;
  const workflowTasks = workflowSlots(opts.maxConcurrentWorkflowTaskExecutions ?? 40);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? PUBLISHING_TASK_QUEUE,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: publishingWorkflowsPath() }),
    activities: createActivities({
      ...deps.activities,
      localConcurrency: local,
      onHold: workflowTasks.holding,
    }),
    tuner: {
      workflowTaskSlotSupplier: workflowTasks.supplier,
      activityTaskSlotSupplier: {
        type: 'fixed-size',
        numSlots: opts.maxConcurrentActivityTaskExecutions ?? 20,
      },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: local + held },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
    },
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}
