import { type PlatformConnector } from '../connector';
import { PlatformError } from '../errors';
import { graphResponseError } from '../graph/graph-errors';
import { createSend } from '../http/send';
import { validateForPlatform } from '../validation/validate';
import { normalizeForMatch } from '../x/x-match';
import { type InstagramConnectorConfig, resolveInstagramConfig } from './instagram-config';
import { publishInstagram } from './instagram-publish';
import { insights, mediaList } from './instagram-schemas';

/** The Instagram connector (business and creator accounts, Instagram Login): publishing fetches media from public URLs. */
export function createInstagramConnector(config?: InstagramConnectorConfig): PlatformConnector {
  const resolved = resolveInstagramConfig(config);
  const send = createSend(
    'instagram',
    { fetch: resolved.fetch, timeoutMs: resolved.timeoutMs },
    graphResponseError('instagram'),
  );
  return {
    platform: 'instagram',
    validate: (input, limits) => validateForPlatform('instagram', input, limits),
    // Instagram fetches each medium itself when its container is made: nothing to send now, only the URL to keep.
    uploadMedia(_account, media) {
      if (!media.url) {
        return Promise.reject(
          new PlatformError({
            platform: 'instagram',
            kind: 'validation',
            message: 'Instagram needs a public URL for each medium',
            platformCode: 'media_url_required',
          }),
        );
      }
      return Promise.resolve({
        id: media.url,
        kind: media.kind,
        ...(media.alt ? { alt: media.alt } : {}),
        ref: { url: media.url },
      });
    },
    publish: (req) => publishInstagram(send, resolved, req),
    async lookup(req) {
      const { data } = await send(
        {
          what: 'lookup',
          method: 'GET',
          url: `${resolved.graph}/${encodeURIComponent(req.account.externalId)}/media`,
          token: req.account.accessToken,
          query: {
            fields: 'id,caption,timestamp,permalink',
            since: String(Math.floor(req.since.getTime() / 1000)),
            limit: '100',
          },
        },
        mediaList,
      );
      const wanted = normalizeForMatch(req.text);
      const found = data.data.find((m) => normalizeForMatch(m.caption ?? '') === wanted);
      return found
        ? { platformPostId: found.id, url: found.permalink ?? 'https://www.instagram.com/' }
        : null;
    },
    async metrics(account, platformPostId) {
      const { data } = await send(
        {
          what: 'metrics',
          method: 'GET',
          url: `${resolved.graph}/${encodeURIComponent(platformPostId)}/insights`,
          token: account.accessToken,
          query: { metric: 'views,likes,comments,shares' },
        },
        insights,
      );
      const value = (name: string) => data.data.find((d) => d.name === name)?.values[0]?.value ?? 0;
      return {
        impressions: value('views'),
        likes: value('likes'),
        replies: value('comments'),
        reposts: value('shares'),
      };
    },
  };
}
