import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { publishingWorkflowsPath, WORKFLOW_BUNDLE_PATH } from './worker';

/**
 * `npm run build` step: bundles the workflow code once (webpack), as Temporal's production sample
 * does, so no worker start pays for it. A deploy ships `dist/workflow-bundle.js` with the worker.
 */
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: publishingWorkflowsPath() });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(`workflow bundle: ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
