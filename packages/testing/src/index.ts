export * from './keys';
export * from './processes';
export * from './time-skipping';
export * from './media-fixtures';
