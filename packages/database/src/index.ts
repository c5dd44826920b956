export * from './entities';
export * from './orm';
export * from './audit';
export * from './post-states';
export * from './posts-version';
export * from './sql';
export type { EntityManager } from '@mikro-orm/postgresql';
export * from './event-outbox';
export * from './outbox-relay';
