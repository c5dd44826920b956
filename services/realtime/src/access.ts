import type { Pool } from 'pg';

/**
 * Who may see what, asked of PostgreSQL every time: a membership removed in the gateway takes effect at
 * the next check, with no cache to go stale.
 */
export interface Access {
  /** The organizations `userId` belongs to. */
  orgsOf(userId: string): Promise<string[]>;
  /** The organizations of each user in `userIds`, for the periodic re-check of every socket at once. */
  orgsOfUsers(userIds: string[]): Promise<Map<string, string[]>>;
  /** Whether `userId` belongs to `orgId`. */
  isMember(userId: string, orgId: string): Promise<boolean>;
  /** The organization of post `postId` when it is not deleted and `userId` belongs to it; undefined otherwise. */
  postOrg(userId: string, postId: string): Promise<string | undefined>;
}

/** Membership checks over a pg pool (read-only queries). */
export function createAccess(pool: Pool): Access {
  return {
    async orgsOf(userId) {
      const { rows } = await pool.query<{ organization_id: string }>(
        'SELECT organization_id FROM memberships WHERE user_id = $1',
        [userId],
      );
      return rows.map((r) => r.organization_id);
    },
    async orgsOfUsers(userIds) {
      const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
      if (userIds.length === 0) return byUser;
      const { rows } = await pool.query<{ user_id: string; organization_id: string }>(
        'SELECT user_id, organization_id FROM memberships WHERE user_id = ANY($1::uuid[])',
        [userIds],
      );
      for (const row of rows) byUser.get(row.user_id)?.push(row.organization_id);
      return byUser;
    },
    async isMember(userId, orgId) {
      const { rowCount } = await pool.query(
        'SELECT 1 FROM memberships WHERE user_id = $1 AND organization_id = $2',
        [userId, orgId],
      );
      return (rowCount ?? 0) > 0;
    },
    async postOrg(userId, postId) {
      const { rows } = await pool.query<{ organization_id: string }>(
        `SELECT p.organization_id
           FROM posts p
           JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = $1
          WHERE p.id = $2 AND p.deleted_at IS NULL`,
        [userId, postId],
      );
      return rows[0]?.organization_id;
    },
  };
}
