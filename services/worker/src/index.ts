export {
  createPublishingWorker,
  publishingWorkflowsPath,
  type PublishingWorkerDeps,
  type PublishingWorkerOptions,
} from './worker';
export { createConnectors } from './connectors';
export { loadWorkerEnv, workerEnvSchema, type WorkerEnv } from './env';
