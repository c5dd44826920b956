import { type LookupRequest, type PublishResult } from '../connector';
import { PlatformError } from '../errors';
import { type ResolvedXConfig } from './x-config';
import { type XSend } from './x-http';
import { normalizeForMatch, tweetTextForMatch } from './x-match';
import { timelineResponse } from './x-schemas';

/** The public address of a post; X redirects it to the author's handle. */
export function xPostUrl(id: string): string {
  return `https://x.com/i/web/status/${id}`;
}

// X takes start_time as YYYY-MM-DDTHH:mm:ssZ; flooring keeps the window inclusive.
function startTime(since: Date, skewMs: number): string {
  const ms = Math.floor((since.getTime() - skewMs) / 1000) * 1000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Finds our post in the account's timeline by its text (X carries no client reference); X refuses
 * duplicate text from one user, so a text match within the window is our post.
 */
export async function lookupXPost(
  send: XSend,
  config: ResolvedXConfig,
  req: LookupRequest,
): Promise<PublishResult | null> {
  const wanted = normalizeForMatch(req.text);
  let paginationToken: string | undefined;
  for (let page = 0; page < config.lookupMaxPages; page++) {
    const res = await send(
      {
        what: 'lookup',
        method: 'GET',
        path: `/2/users/${encodeURIComponent(req.account.externalId)}/tweets`,
        token: req.account.accessToken,
        query: {
          start_time: startTime(req.since, config.lookupSkewMs),
          max_results: '100',
          'tweet.fields': 'created_at,text,entities',
          pagination_token: paginationToken,
        },
      },
      timelineResponse,
    );
    const match = res.data?.find((tweet) => tweetTextForMatch(tweet) === wanted);
    if (match) return { platformPostId: match.id, url: xPostUrl(match.id) };
    paginationToken = res.meta?.next_token;
    if (!paginationToken) return null;
  }
  // Absence is not proven: the window holds more posts than we may read.
  throw new PlatformError({
    platform: 'x',
    kind: 'permanent',
    message: `lookup: no match in the first ${config.lookupMaxPages} pages and more remain`,
    platformCode: 'lookup_inconclusive',
  });
}
