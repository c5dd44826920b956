export * from './queue';
export * from './env';
