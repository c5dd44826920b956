import type { MikroORM } from '@vibetribe/database';

/** The bit of a node-postgres client the hot paths use. */
export interface PgClient {
  query<R>(q: { name?: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/** The knex client under MikroORM, as far as borrowing one of its pooled connections goes. */
interface KnexPoolClient {
  acquireConnection(): Promise<PgClient>;
  releaseConnection(conn: PgClient): Promise<void>;
}

/**
 * Runs one statement on a connection of the ORM's own pool (so the pool size bounds every query of
 * the process), bypassing the query builder and the unit of work. With `name` the statement is
 * prepared once per connection and then only bound and executed: for hot, fixed-text statements.
 */
export async function pgQuery<R>(
  orm: MikroORM,
  q: { name?: string; text: string; values: unknown[] },
): Promise<R[]> {
  const client = (orm.em.getKnex() as unknown as { client: KnexPoolClient }).client;
  const conn = await client.acquireConnection();
  try {
    return (await conn.query<R>(q)).rows;
  } finally {
    await client.releaseConnection(conn);
  }
}
