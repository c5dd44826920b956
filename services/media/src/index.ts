export * from './queue';
export * from './env';
export * from './process-media';
export * from './worker';
