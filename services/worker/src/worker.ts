import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Duration } from '@temporalio/common';
import { type NativeConnection, Worker } from '@temporalio/worker';
import {
  type ActivityDeps,
  createActivities,
  createPeriodicActivities,
  type PeriodicDeps,
} from '@vibetribe/activities';
import { PERIODIC_TASK_QUEUE, PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';

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
  /** The prebuilt workflow bundle; default `WORKFLOW_BUNDLE_PATH`. */
  workflowBundlePath?: string;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentLocalActivityExecutions?: number;
  shutdownGraceTime?: Duration;
  identity?: string;
}

/** The module the bundle is built from: workflow functions only. */
export function publishingWorkflowsPath(): string {
  return require.resolve('@vibetribe/workflows/dist/workflows');
}

/**
 * The workflow bundle `npm run build` writes (`build-bundle.ts`) into dist/. A worker loads
 * it instead of running webpack at every start, so it polls within a second of launch and runs the
 * code that was built and tested.
 */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', 'dist', 'workflow-bundle.js');

/** The bundle's path, checked: a worker without one refuses to start. */
function bundlePath(path: string | undefined): string {
  const codePath = path ?? WORKFLOW_BUNDLE_PATH;
  if (!existsSync(codePath)) {
    throw new Error(`no workflow bundle at ${codePath}: run \`npm run build\` (it bundles the workflows)`);
  }
  return codePath;
}

/** A worker for post workflows and their activities on one task queue; call `run()` to start polling. */
export function createPublishingWorker(
  deps: PublishingWorkerDeps,
  opts: PublishingWorkerOptions = {},
): Promise<Worker> {
  const codePath = bundlePath(opts.workflowBundlePath);
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? PUBLISHING_TASK_QUEUE,
    workflowBundle: { codePath },
    activities: createActivities(deps.activities),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? 20,
    maxConcurrentWorkflowTaskExecutions: opts.maxConcurrentWorkflowTaskExecutions ?? 40,
    maxConcurrentLocalActivityExecutions: opts.maxConcurrentLocalActivityExecutions ?? 20,
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}

/** What the periodic jobs' worker runs against. */
export interface PeriodicWorkerDeps {
  connection: NativeConnection;
  namespace?: string;
  periodic: PeriodicDeps;
}

/**
 * A worker for the periodic jobs' workflows and activities on their own task queue (default
 * `PERIODIC_TASK_QUEUE`), beside the publishing worker in the same process. It has its own slots and
 * pollers, so a publishing backlog never delays a health check or a sweep. The jobs run one at a time
 * per schedule (SKIP), so a few slots are plenty.
 */
export function createPeriodicWorker(
  deps: PeriodicWorkerDeps,
  opts: Pick<
    PublishingWorkerOptions,
    'taskQueue' | 'workflowBundlePath' | 'shutdownGraceTime' | 'identity'
  > = {},
): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace ?? 'default',
    taskQueue: opts.taskQueue ?? PERIODIC_TASK_QUEUE,
    workflowBundle: { codePath: bundlePath(opts.workflowBundlePath) },
    activities: createPeriodicActivities(deps.periodic),
    maxConcurrentActivityTaskExecutions: 4,
    maxConcurrentWorkflowTaskExecutions: 4,
    shutdownGraceTime: opts.shutdownGraceTime ?? '10s',
    ...(opts.identity ? { identity: opts.identity } : {}),
  });
}
