import { type PlatformConnector, type PublishRequest, type UploadedMedia } from '../connector';
import { validateForPlatform } from '../validation/validate';
import { normalizeForMatch } from '../x/x-match';
import { type LinkedInConnectorConfig, resolveLinkedInConfig } from './linkedin-config';
import { createLinkedInSend } from './linkedin-http';
import { uploadLinkedInMedia } from './linkedin-media';
import { anything, postsByAuthor, socialActions } from './linkedin-schemas';
import { escapeLittleText } from './linkedin-text';

/** The public address of a post. */
export const linkedinPostUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

function content(media: UploadedMedia[]) {
  const [first] = media;
  if (!first) return {};
  const entry = (m: UploadedMedia) => ({ id: m.id, ...(m.alt ? { altText: m.alt } : {}) });
  return media.length === 1
    ? { content: { media: entry(first) } }
    : { content: { multiImage: { images: media.map(entry) } } };
}

/** The LinkedIn Posts API connector: a member (`urn:li:person:…`) or an organization (`urn:li:organization:…`). */
export function createLinkedInConnector(config?: LinkedInConnectorConfig): PlatformConnector {
  const resolved = resolveLinkedInConfig(config);
  const send = createLinkedInSend(resolved);
  return {
    platform: 'linkedin',
    validate: (input, limits) => validateForPlatform('linkedin', input, limits),
    uploadMedia: (account, media) => uploadLinkedInMedia(send, resolved, account, media),
    async publish(req: PublishRequest) {
      const { headers } = await send(
        {
          what: 'publish',
          method: 'POST',
          url: `${resolved.baseUrl}/rest/posts`,
          token: req.account.accessToken,
          json: {
            author: req.account.externalId,
            commentary: escapeLittleText(req.text),
            visibility: 'PUBLIC',
            distribution: {
              feedDistribution: 'MAIN_FEED',
              targetEntities: [],
              thirdPartyDistributionChannels: [],
            },
            ...content(req.media),
            lifecycleState: 'PUBLISHED',
            isReshareDisabledByAuthor: false,
          },
        },
        anything,
      );
      const urn = headers.get('x-restli-id') ?? headers.get('x-linkedin-id') ?? '';
      return { platformPostId: urn, url: linkedinPostUrl(urn) };
    },
    // LinkedIn refuses duplicate commentary from one author, so a text match since the intent is ours.
    async lookup(req) {
      const { data } = await send(
        {
          what: 'lookup',
          method: 'GET',
          url: `${resolved.baseUrl}/rest/posts`,
          token: req.account.accessToken,
          query: {
            q: 'author',
            author: req.account.externalId,
            count: String(resolved.lookupMaxPosts),
            sortBy: 'CREATED',
          },
        },
        postsByAuthor,
      );
      const wanted = normalizeForMatch(escapeLittleText(req.text));
      const found = data.elements.find(
        (p) =>
          normalizeForMatch(p.commentary ?? '') === wanted &&
          (p.createdAt ?? Infinity) >= req.since.getTime(),
      );
      return found ? { platformPostId: found.id, url: linkedinPostUrl(found.id) } : null;
    },
    async metrics(account, platformPostId) {
      const { data } = await send(
        {
          what: 'metrics',
          method: 'GET',
          url: `${resolved.baseUrl}/rest/socialActions/${encodeURIComponent(platformPostId)}`,
          token: account.accessToken,
        },
        socialActions,
      );
      return {
        likes: data.likesSummary?.totalLikes ?? 0,
        replies: data.commentsSummary?.aggregatedTotalComments ?? 0,
        reposts: 0,
      };
    },
  };
}
