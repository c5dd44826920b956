import { enqueueEvents, type EntityManager, runStatement, statement } from '@vibetribe/database';
import { notificationEvent } from './events';

/** Who is told, and about which posts: the organization's owners and admins, and the authors of upcoming posts on the account who are still members. */
const RECONNECT_AUDIENCE = statement(
  'reconnect-audience',
  `with upcoming as (
     select distinct p.id, p.author_id from posts p join post_targets t on t.post_id = p.id
     where t.account_id = ? and p.organization_id = ? and p.deleted_at is null
       and p.status = 'scheduled' and t.status = 'pending'
   )
   select
     coalesce((select array_agg(distinct m.user_id::text) from memberships m
       where m.organization_id = ? and (m.role in ('owner', 'admin')
         or m.user_id in (select author_id from upcoming))), '{}') as "userIds",
     coalesce((select array_agg(id::text) from upcoming), '{}') as "postIds",
     (select display_name from social_accounts where id = ?) as "displayName"`,
);

/**
 * Tells the people who can act that an account needs reconnecting, before its upcoming posts fall due
 * (a `notification` event to each one's `user:<id>` room), in the transaction that flagged the account.
 */
export async function enqueueReconnectNeeded(
  tx: EntityManager,
  account: { id: string; organizationId: string },
): Promise<void> {
  const [who] = await runStatement<{ userIds: string[]; postIds: string[]; displayName: string | null }>(
    tx,
    RECONNECT_AUDIENCE,
    [account.id, account.organizationId, account.organizationId, account.id],
  );
  if (!who || who.userIds.length === 0) return;
  const upcoming = who.postIds.length;
  const note = notificationEvent({
    organizationId: account.organizationId,
    kind: 'account_needs_reconnect',
    text:
      `${who.displayName ?? 'An account'} needs to be reconnected: the platform refused its token` +
      (upcoming ? `; ${upcoming} scheduled post${upcoming === 1 ? '' : 's'} will fail until then.` : '.'),
    userIds: who.userIds,
    postIds: who.postIds,
    accountId: account.id,
  });
  await enqueueEvents(tx, [note]);
}
