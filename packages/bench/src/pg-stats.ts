/**
 * PostgreSQL's own counters (pg_stat_database) around the capacity steps: rows written and transactions
 * committed per post in the product's database and, in cluster mode, in Temporal's two databases, and
 * the connections open to them. On a shared machine other clients' work is counted too: measure on a
 * quiet one.
 */
import type { MikroORM } from '@vibetribe/database';

/** One database's counters at one moment. */
interface DbCounters {
  rows: number;
  commits: number;
  backends: number;
}
export type PgSnapshot = Record<string, DbCounters>;

/** The databases to watch: the product's (from DATABASE_URL) and Temporal's when they are on PostgreSQL. */
export function watchedDatabases(temporalMode: string): string[] {
  const own = new URL(process.env.DATABASE_URL ?? 'postgres://localhost/vibetribe').pathname.slice(1);
  if (temporalMode !== 'cluster') return [own];
  return [own, process.env.VT_TC_DB ?? 'temporal', process.env.VT_TC_VISIBILITY_DB ?? 'temporal_visibility'];
}

export async function pgSnapshot(orm: MikroORM, databases: string[]): Promise<PgSnapshot> {
  type Row = { datname: string; rows: string; commits: string; backends: number };
  const result = await orm.em.getKnex().raw<{ rows: Row[] }>(
    `SELECT datname, tup_inserted + tup_updated + tup_deleted AS rows, xact_commit AS commits, numbackends AS backends
       FROM pg_stat_database WHERE datname IN (${databases.map(() => '?').join(', ')})`,
    databases,
  );
  return Object.fromEntries(
    result.rows.map((r) => [
      r.datname,
      { rows: Number(r.rows), commits: Number(r.commits), backends: r.backends },
    ]),
  );
}

/** Sums of counter deltas over some steps, and the most connections seen at a step's end. */
export class PgTally {
  private readonly sums: Record<string, { rows: number; commits: number }> = {};
  private peak = 0;

  add(before: PgSnapshot, after: PgSnapshot): void {
    let backends = 0;
    for (const [db, a] of Object.entries(after)) {
      const b = before[db];
      backends += a.backends;
      if (!b) continue;
      const sum = (this.sums[db] ??= { rows: 0, commits: 0 });
      sum.rows += a.rows - b.rows;
      sum.commits += a.commits - b.commits;
    }
    this.peak = Math.max(this.peak, backends);
  }

  /** Per database: rows written and transactions committed per post; and the peak connections. */
  perPost(posts: number): {
    writes: Record<string, number>;
    commits: Record<string, number>;
    connections: number;
  } {
    const per = (pick: 'rows' | 'commits') =>
      Object.fromEntries(
        Object.entries(this.sums).map(([db, s]) => [db, posts ? Math.round((s[pick] / posts) * 10) / 10 : 0]),
      );
    return { writes: per('rows'), commits: per('commits'), connections: this.peak };
  }
}
