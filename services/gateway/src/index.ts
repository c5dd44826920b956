export * from './app';
export * from './context';
export * from './deps';
export * from './env';
