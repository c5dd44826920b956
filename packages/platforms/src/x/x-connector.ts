import { type PlatformConnector } from '../connector';
import { PlatformError } from '../errors';
import { validateForPlatform } from '../validation/validate';
import { type XConnectorConfig, resolveXConfig } from './x-config';
import { createXSend } from './x-http';
import { lookupXPost, xPostUrl } from './x-lookup';
import { uploadXMedia } from './x-media';
import { createTweetResponse, tweetMetricsResponse } from './x-schemas';

/** The X API v2 connector (user-context OAuth 2.0 bearer tokens). */
export function createXConnector(config?: XConnectorConfig): PlatformConnector {
  const resolved = resolveXConfig(config);
  const send = createXSend(resolved);

  return {
    platform: 'x',

    validate: (input, limits) => validateForPlatform('x', input, limits),

    uploadMedia: (account, media) => uploadXMedia(send, resolved, account.accessToken, media),

    // X has no idempotency key: the caller reconciles an ambiguous failure with lookup before resending.
    async publish(req) {
      const body = {
        ...(req.text === '' ? {} : { text: req.text }),
        ...(req.media.length === 0 ? {} : { media: { media_ids: req.media.map((m) => m.id) } }),
      };
      const res = await send(
        { what: 'publish', method: 'POST', path: '/2/tweets', token: req.account.accessToken, json: body },
        createTweetResponse,
      );
      return { platformPostId: res.data.id, url: xPostUrl(res.data.id) };
    },

    lookup: (req) => lookupXPost(send, resolved, req),

    async metrics(account, platformPostId) {
      const res = await send(
        {
          what: 'metrics',
          method: 'GET',
          path: `/2/tweets/${encodeURIComponent(platformPostId)}`,
          token: account.accessToken,
          query: { 'tweet.fields': 'public_metrics' },
        },
        tweetMetricsResponse,
      );
      if (!res.data) {
        const problem = res.errors?.[0];
        throw new PlatformError({
          platform: 'x',
          kind: 'permanent',
          status: 404,
          message: `metrics: post ${platformPostId} not found${problem?.detail ? ` (${problem.detail})` : ''}`,
          platformCode: problem?.type ?? 'not_found',
          platformMessage: problem?.detail,
        });
      }
      const m = res.data.public_metrics;
      return {
        impressions: m.impression_count,
        likes: m.like_count,
        reposts: m.retweet_count,
        replies: m.reply_count,
        quotes: m.quote_count,
        bookmarks: m.bookmark_count,
      };
    },
  };
}
