// The worker's `workflowsPath`: workflow functions only, so the bundle holds nothing else.
export { publishPostWorkflow } from './publish-post';
