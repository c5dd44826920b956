export * from './entities';
export * from './orm';
export * from './audit';
export type { EntityManager } from '@mikro-orm/postgresql';
