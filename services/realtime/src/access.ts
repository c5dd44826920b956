import { type EntityManager, runStatement, statement } from '@vibetribe/database';

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

// Read-only, on the hot path of every handshake and room join: statements, not entities.
const ORGS_OF_USERS = statement(
  'realtime_orgs_of_users',
  'SELECT user_id, organization_id FROM memberships WHERE user_id = ANY(?::uuid[])',
);
const IS_MEMBER = statement(
  'realtime_is_member',
  'SELECT 1 AS member FROM memberships WHERE user_id = ? AND organization_id = ?',
);
const POST_ORG = statement(
  'realtime_post_org',
  `SELECT p.organization_id
   FROM posts p
   JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = ?
  WHERE p.id = ? AND p.deleted_at IS NULL`,
);

/** Membership checks on the ORM's connection (`em`: any entity manager of it; only its connection is used). */
export function createAccess(em: EntityManager): Access {
  const orgsOfUsers: Access['orgsOfUsers'] = async (userIds) => {
    const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]));
    // No ids, no question to ask.
    if (userIds.length === 0) return byUser;
    const rows = await runStatement<{ user_id: string; organization_id: string }>(em, ORGS_OF_USERS, [
      userIds,
    ]);
    for (const row of rows) byUser.get(row.user_id)?.push(row.organization_id);
    return byUser;
  };
  return {
    async orgsOf(userId) {
      return (await orgsOfUsers([userId])).get(userId) ?? [];
    },
    orgsOfUsers,
    async isMember(userId, orgId) {
      return (await runStatement(em, IS_MEMBER, [userId, orgId])).length > 0;
    },
    async postOrg(userId, postId) {
      const rows = await runStatement<{ organization_id: string }>(em, POST_ORG, [userId, postId]);
      return rows[0]?.organization_id;
    },
  };
}
