export * from './keys';
export * from './processes';
