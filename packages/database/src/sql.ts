import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { TargetError, TargetStatus } from './entities/post-target.entity';

/**
 * A raw statement for a hot path, with a name that says what it does. `text` uses `?` placeholders.
 * Ordinary work uses entities; a statement is for the few places where a round trip or a hydration
 * costs too much per post. The name is also the statement's name in PostgreSQL: each connection
 * parses and plans it once, then only binds and runs it.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** The text each name was declared with: one name, one text, in a process. */
const declared = new Map<string, string>();

/**
 * Declares a named statement (one module per feature keeps them, next to the code that runs them).
 * A name declared again must come with the same text: a connection that prepared the first would
 * otherwise refuse the second.
 */
export function statement(name: string, text: string): NamedStatement {
  const known = declared.get(name);
  if (known !== undefined && known !== text)
    throw new Error(`statement ${name} is declared twice, with two texts`);
  declared.set(name, text);
  return { name, text };
}

/**
 * Runs a named statement on the ORM's own connection pool (its knex): inside `em.transactional(...)`
 * it joins that transaction, otherwise it takes a pooled connection for this statement alone. The
 * parameters are bound by the driver (`$1`, `$2`, …), never pasted into the text. The driver
 * prepares it under its name on first use on a connection (knex hands `options` to pg's query).
 * Resolves with the rows (an empty array for a statement that returns none).
 */
export async function runStatement<T>(
  em: EntityManager,
  st: NamedStatement,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const query = em
    .getKnex()
    .raw(st.text, params as never[])
    .options({ name: st.name });
  const tx = em.getTransactionContext<Knex.Transaction>();
  if (tx) void query.transacting(tx);
  const result = (await query) as unknown as { rows?: T[] };
  return result.rows ?? [];
}

/**
 * A timestamptz column as a Date. The ORM's pg driver leaves timestamps as Postgres text
 * (`2026-11-29 00:36:29.488+00`), which `Date` parses once the zone has minutes.
 */
export function toDate(value: Date | string | null): Date | null {
  if (value === null || value instanceof Date) return value;
  const date = new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${value}`);
  return date;
}

/**
 * A post target as a statement aggregates it with `json_build_object` (timestamps as ISO text): the
 * one row shape the gateway's list and the publishing activities read.
 */
export interface TargetJson {
  id: string;
  accountId: string;
  platform: string;
  status: TargetStatus;
  platformPostId: string | null;
  platformUrl: string | null;
  attempts: number;
  lastError: TargetError | null;
  publishedAt: string | null;
  createdAt: string;
  sandbox: boolean;
}
