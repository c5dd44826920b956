import { Media } from '@vibetribe/database';
import { decryptAccountTokens } from '@vibetribe/runtime';
import {
  type ConnectorAccount,
  isPlatform,
  type MediaFacts,
  type PlatformConnector,
  PlatformError,
  type UploadedMedia,
  validateForPlatform,
} from '@vibetribe/platforms';
import { fetchMedia, type ActivityDeps } from './deps';

/** A target with what publishing it reads: its post's content and its account (one row, see `publish-target`). */
export interface TargetContext {
  targetId: string;
  postId: string;
  organizationId: string;
  platform: string;
  content: string;
  platformContent: Record<string, string>;
  mediaIds: string[];
  accountId: string;
  accountStatus: string;
  externalId: string;
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
}

/** What the platform call needs, read from the database at publish time. */
export interface PreparedPost {
  platform: string;
  connector: PlatformConnector;
  account: ConnectorAccount;
  text: string;
  media: Media[];
}

const fail = (platform: string, kind: 'auth' | 'validation' | 'permanent', message: string, code?: string) =>
  new PlatformError({ platform: isPlatform(platform) ? platform : 'x', kind, message, platformCode: code });

function facts(m: Media): MediaFacts {
  return {
    id: m.id,
    kind: m.kind,
    mime: m.mime,
    bytes: Number(m.bytes),
    ...(m.width === null ? {} : { width: m.width }),
    ...(m.height === null ? {} : { height: m.height }),
    ...(m.durationS === null ? {} : { durationS: m.durationS }),
    ...(m.alt === null ? {} : { alt: m.alt }),
  };
}

/**
 * Reads the target's current content, account and connector, and validates the content again (the
 * account, limits or media may have changed since the post was saved). Throws `PlatformError`.
 */
export async function preparePost(deps: ActivityDeps, target: TargetContext): Promise<PreparedPost> {
  const { platform, mediaIds } = target;
  const connector = deps.connectors[platform];
  if (!connector || !isPlatform(platform))
    throw fail(platform, 'permanent', `no connector for ${platform}`, 'unsupported_platform');
  if (target.accountStatus !== 'connected')
    throw fail(platform, 'auth', `account ${target.accountId} needs to be reconnected`, 'needs_reconnect');
  const text = target.platformContent[platform] ?? target.content;
  const found = mediaIds.length === 0 ? [] : await deps.orm.em.fork().find(Media, { id: { $in: mediaIds } });
  const media = mediaIds.map((id) => found.find((m) => m.id === id));
  if (media.some((m) => m === undefined || m.status !== 'ready')) {
    throw fail(platform, 'validation', 'an attached medium is missing or not processed', 'media_not_ready');
  }
  const ready = media.filter((m): m is Media => m !== undefined);
  const violations = validateForPlatform(platform, { text, media: ready.map(facts) });
  const first = violations[0];
  if (first) throw fail(platform, 'validation', violations.map((v) => v.message).join('; '), first.code);
  let credentials: ConnectorAccount;
  try {
    credentials = {
      externalId: target.externalId,
      ...decryptAccountTokens(deps.secrets, target),
    };
  } catch {
    throw fail(
      platform,
      'auth',
      `account ${target.accountId}'s tokens cannot be decrypted`,
      'token_undecryptable',
    );
  }
  return { platform, connector, account: credentials, text, media: ready };
}

/** Uploads the attachments; repeated on every attempt (an unused upload expires on the platform). */
export async function uploadMedia(deps: ActivityDeps, prepared: PreparedPost): Promise<UploadedMedia[]> {
  const load = deps.loadMedia ?? fetchMedia;
  const uploaded: UploadedMedia[] = [];
  for (const m of prepared.media) {
    const url = deps.mediaUrl?.(m, prepared.platform) ?? m.url;
    const bytes = await load(m, url);
    uploaded.push(
      await prepared.connector.uploadMedia(prepared.account, {
        bytes,
        mime: m.mime,
        kind: m.kind,
        // Instagram fetches the medium from its URL rather than taking the bytes.
        url,
        ...(m.alt ? { alt: m.alt } : {}),
      }),
    );
  }
  return uploaded;
}
