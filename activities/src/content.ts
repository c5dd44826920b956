import { type EntityManager, Media, type PostTarget } from '@vibetribe/database';
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

/** What the platform call needs, read from the database at publish time. */
export interface PreparedPost {
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
export async function preparePost(
  deps: ActivityDeps,
  em: EntityManager,
  target: PostTarget,
): Promise<PreparedPost> {
  const { post, account, platform } = target;
  const connector = deps.connectors[platform];
  if (!connector || !isPlatform(platform))
    throw fail(platform, 'permanent', `no connector for ${platform}`, 'unsupported_platform');
  if (account.status !== 'connected')
    throw fail(platform, 'auth', `account ${account.id} needs to be reconnected`, 'needs_reconnect');
  const text = post.platformContent[platform] ?? post.content;
  const found = post.mediaIds.length === 0 ? [] : await em.find(Media, { id: { $in: post.mediaIds } });
  const media = post.mediaIds.map((id) => found.find((m) => m.id === id));
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
      externalId: account.externalId,
      accessToken: deps.secrets.decrypt(account.accessTokenEnc),
      refreshToken: account.refreshTokenEnc ? deps.secrets.decrypt(account.refreshTokenEnc) : null,
    };
  } catch {
    throw fail(platform, 'auth', `account ${account.id}'s tokens cannot be decrypted`, 'token_undecryptable');
  }
  return { connector, account: credentials, text, media: ready };
}

/** Uploads the attachments; repeated on every attempt (an unused upload expires on the platform). */
export async function uploadMedia(deps: ActivityDeps, prepared: PreparedPost): Promise<UploadedMedia[]> {
  const load = deps.loadMedia ?? fetchMedia;
  const uploaded: UploadedMedia[] = [];
  for (const m of prepared.media) {
    const bytes = await load(m);
    uploaded.push(
      await prepared.connector.uploadMedia(prepared.account, {
        bytes,
        mime: m.mime,
        kind: m.kind,
        ...(m.alt ? { alt: m.alt } : {}),
      }),
    );
  }
  return uploaded;
}
