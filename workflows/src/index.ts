export * from './names';
export * from './publish-post.contract';
export * from './publish-post.activities';
export * from './publish-post.options';
export * from './search-attributes';
export { publishPostWorkflow } from './publish-post';
export * from './periodic/periodic.contract';
export * from './publish-post.start';
