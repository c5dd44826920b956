import DataLoader from 'dataloader';
import { type EntityManager, postsVersionSql, type Role, runStatement, statement } from '@vibetribe/database';

/** What one check found: the organization listed, the caller's role in it, and its posts version. */
export type ListAccess =
  | { kind: 'member'; orgId: string; role: Role; version: string }
  /** Not a member of the organization named (or of any, without one). */
  | { kind: 'none' }
  /** No organization named, and the caller belongs to several. */
  | { kind: 'ambiguous' };

/** One check: a caller, and the organization named (null: the caller's only one). */
interface AccessKey {
  userId: string;
  orgId: string | null;
}

interface AccessRow {
  i: string;
  organization_id: string | null;
  role: Role | null;
  version: string | null;
}

// Per (user, organization or null), in the order given: up to two memberships (two mean "several"),
// and the organization's posts version.
const LIST_ACCESS = statement(
  'list_access',
  `SELECT k.i::text AS i, m.organization_id, m.role,
  ${postsVersionSql('m.organization_id')}::text AS version
FROM unnest(?::uuid[], ?::uuid[]) WITH ORDINALITY AS k(u, o, i)
LEFT JOIN LATERAL (
  SELECT mm.organization_id, mm.role FROM memberships mm
  WHERE mm.user_id = k.u AND (k.o IS NULL OR mm.organization_id = k.o)
  LIMIT 2
) m ON true`,
);

/** Checks per statement at most, so no statement grows without bound on a burst. */
const MAX_BATCH = 256;

const keyOf = (k: AccessKey) => `${k.userId}|${k.orgId ?? ''}`;

/** Runs one statement for a batch of checks; the same check asked twice is sent once. */
async function checkAll(em: EntityManager, keys: readonly AccessKey[]): Promise<ListAccess[]> {
  const distinct = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
  const rows = await runStatement<AccessRow>(em, LIST_ACCESS, [
    distinct.map((k) => k.userId),
    distinct.map((k) => k.orgId),
  ]);
  const found = new Map<string, AccessRow[]>();
  for (const row of rows) {
    if (row.organization_id === null) continue;
    const key = keyOf(distinct[Number(row.i) - 1]!);
    found.set(key, [...(found.get(key) ?? []), row]);
  }
  return keys.map((k): ListAccess => {
    const mine = found.get(keyOf(k)) ?? [];
    if (mine.length === 0) return { kind: 'none' };
    if (mine.length > 1) return { kind: 'ambiguous' };
    const m = mine[0]!;
    return { kind: 'member', orgId: m.organization_id!, role: m.role!, version: m.version! };
  });
}

/**
 * Checks, for many list requests at once, the caller's membership and the listed organization's posts
 * version: the checks that arrive in one turn of the event loop go out as one statement (a DataLoader
 * batch). Nothing is cached (`cache: false`): every answer comes from a statement sent after its
 * request arrived, so it is exactly as fresh as a statement of the request's own (a role change or
 * removal, on any instance, counts from its commit), while a busy gateway sends one statement per
 * turn instead of one per request.
 */
export class ListAccessBatcher {
  private readonly loader: DataLoader<AccessKey, ListAccess>;

  /** `em`: any entity manager of the ORM (only its connection is used). */
  constructor(em: EntityManager) {
    this.loader = new DataLoader((keys) => checkAll(em, keys), {
      cache: false,
      maxBatchSize: MAX_BATCH,
      // After this turn's I/O callbacks: the requests parsed in it share the statement.
      batchScheduleFn: (run) => setImmediate(run),
    });
  }

  /** The caller's access to the list of `orgId` (null: of their only organization). */
  check(userId: string, orgId: string | null): Promise<ListAccess> {
    return this.loader.load({ userId, orgId });
  }
}
