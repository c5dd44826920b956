import { type EntityManager, Media, SocialAccount } from '@vibetribe/database';
import { type MediaFacts, type Platform, validateForPlatform } from '@vibetribe/platforms';
import { unprocessable } from '../../errors';

/** What a post is made of, before it is checked against each target platform's rules. */
export interface PostDraft {
  content: string;
  platformContent: Partial<Record<Platform, string>>;
  accountIds: string[];
  mediaIds: string[];
}

/**
 * Loads the target accounts and media (both must belong to `orgId`) and runs every target's platform
 * rules. Any problem is a 422 that lists every violation per target.
 */
export async function resolveTargets(
  em: EntityManager,
  orgId: string,
  draft: PostDraft,
): Promise<SocialAccount[]> {
  const accountIds = [...new Set(draft.accountIds)];
  const mediaIds = [...new Set(draft.mediaIds)];
  const accounts = await em.find(SocialAccount, { id: { $in: accountIds }, organization: orgId });
  const unknownAccounts = accountIds.filter((id) => !accounts.some((a) => a.id === id));
  if (unknownAccounts.length > 0) {
    throw unprocessable('unknown-accounts', 'Some target accounts do not exist in this organization.', {
      account_ids: unknownAccounts,
    });
  }
  const disconnected = accounts.filter((a) => a.status === 'disconnected').map((a) => a.id);
  if (disconnected.length > 0) {
    throw unprocessable(
      'account-disconnected',
      'Some target accounts are disconnected; connect them again.',
      {
        account_ids: disconnected,
      },
    );
  }
  const media = mediaIds.length ? await em.find(Media, { id: { $in: mediaIds }, organization: orgId }) : [];
  const unknownMedia = mediaIds.filter((id) => !media.some((m) => m.id === id));
  if (unknownMedia.length > 0) {
    throw unprocessable('unknown-media', 'Some media do not exist in this organization.', {
      media_ids: unknownMedia,
    });
  }
  // Media still processing are fine: a due post waits for them (MEDIA_WAIT_MS). Failed ones never publish.
  const failed = media.filter((m) => m.status === 'failed');
  if (failed.length > 0)
    throw unprocessable('media-failed', 'Some media failed processing; upload them again.', {
      media: failed.map((m) => ({ id: m.id, error: m.error })),
    });
  const byId = new Map(media.map((m) => [m.id, m]));
  const facts: MediaFacts[] = draft.mediaIds.map((id) => {
    const m = byId.get(id)!;
    return {
      id: m.id,
      kind: m.kind,
      mime: m.mime,
      bytes: Number(m.bytes),
      ...(m.width !== null ? { width: m.width } : {}),
      ...(m.height !== null ? { height: m.height } : {}),
      ...(m.durationS !== null ? { durationS: m.durationS } : {}),
      ...(m.alt !== null ? { alt: m.alt } : {}),
    };
  });
  const violations = accounts.flatMap((account) => {
    const platform = account.platform as Platform;
    const text = draft.platformContent[platform] ?? draft.content;
    return validateForPlatform(platform, { text, media: facts }).map((v) => ({
      target_account_id: account.id,
      platform,
      ...v,
    }));
  });
  if (violations.length > 0) {
    throw unprocessable('platform-rules', "The post breaks some target platforms' rules.", { violations });
  }
  return accounts;
}
