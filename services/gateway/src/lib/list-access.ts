import type { MikroORM, Role } from '@vibetribe/database';
import { pgQuery } from './pg';

/** What one check found: the organization listed, the caller's role in it, and its posts version. */
export type ListAccess =
  | { kind: 'member'; orgId: string; role: Role; version: string }
  /** Not a member of the organization named (or of any, without one). */
  | { kind: 'none' }
  /** No organization named, and the caller belongs to several. */
  | { kind: 'ambiguous' };

interface Pending {
  userId: string;
  orgId: string | null;
  waiters: { resolve: (a: ListAccess) => void; reject: (err: unknown) => void }[];
}

interface AccessRow {
  i: string;
  organization_id: string | null;
  role: Role | null;
  version: string | null;
}

/**
 * An organization's posts version (the sum of its `post_list_versions` stripes; 0 before any write),
 * as SQL for `org`: the one definition the access check and the page read share, so a cached page's
 * version and a check's always compare like with like.
 */
export const postsVersionSql = (org: string) =>
  `(SELECT coalesce(sum(s.n), 0) FROM post_list_versions s WHERE s.organization_id = ${org})`;

// Per (user, organization or null): up to two memberships (two mean "several"), and the version.
const STATEMENT = {
  name: 'vt_list_access',
  text: `SELECT k.i::text AS i, m.organization_id, m.role,
  ${postsVersionSql('m.organization_id')}::text AS version
FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(u, o, i)
LEFT JOIN LATERAL (
  SELECT mm.organization_id, mm.role FROM memberships mm
  WHERE mm.user_id = k.u AND (k.o IS NULL OR mm.organization_id = k.o)
  LIMIT 2
) m ON true`,
};

/**
 * Checks, for many list requests at once, the caller's membership and the listed organization's posts
 * version: the checks that arrive while a statement is running wait for the next one, which answers
 * all of them in one round trip. Every answer comes from a statement sent after its request arrived,
 * so it is exactly as fresh as a statement of the request's own (a role change or removal, on any
 * instance, counts from its commit), while a busy gateway sends one statement per round trip instead
 * of one per request.
 */
export class ListAccessBatcher {
  private queue = new Map<string, Pending>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly orm: MikroORM,
    /** Statements in flight at once. */
    private readonly concurrency = 2,
  ) {}

  check(userId: string, orgId: string | null): Promise<ListAccess> {
    return new Promise((resolve, reject) => {
      const key = `${userId}|${orgId ?? ''}`;
      let pending = this.queue.get(key);
      if (!pending) {
        pending = { userId, orgId, waiters: [] };
        this.queue.set(key, pending);
      }
      pending.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queue.size === 0) return;
    this.scheduled = true;
    // After this turn's I/O callbacks: the requests that arrived together go in one statement.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running >= this.concurrency || this.queue.size === 0) return;
    const batch = [...this.queue.values()];
    this.queue = new Map();
    this.running++;
    try {
      const rows = await pgQuery<AccessRow>(this.orm, {
        ...STATEMENT,
        values: [batch.map((p) => p.userId), batch.map((p) => p.orgId)],
      });
      const found = new Map<number, AccessRow[]>();
      for (const row of rows) {
        const i = Number(row.i) - 1;
        if (row.organization_id !== null) found.set(i, [...(found.get(i) ?? []), row]);
      }
      batch.forEach((p, i) => {
        const mine = found.get(i) ?? [];
        const access: ListAccess =
          mine.length === 0
            ? { kind: 'none' }
            : mine.length > 1
              ? { kind: 'ambiguous' }
              : {
                  kind: 'member',
                  orgId: mine[0]!.organization_id!,
                  role: mine[0]!.role!,
                  version: mine[0]!.version!,
                };
        for (const w of p.waiters) w.resolve(access);
      });
    } catch (err) {
      for (const p of batch) for (const w of p.waiters) w.reject(err);
    } finally {
      this.running--;
      this.schedule();
    }
  }
}
