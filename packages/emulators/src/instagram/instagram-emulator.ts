import { type KitEmulator, type KitEmulatorOptions, startKitEmulator } from '../kit/kit-emulator';
import { authorize } from '../kit/kit-oauth';
import { type KitPlatform, type KitRoute } from '../kit/kit-route';
import { graphRefusal, graphUsageHeaders } from '../graph/graph-problems';
import { accessToken, longLived, me } from './instagram-auth';
import { createContainer, publishContainer } from './instagram-media';
import { getNode, insights, listMedia, publishingLimit } from './instagram-read';

const at = (path: string) => new RegExp(`^(?:\\/v\\d+\\.\\d+)?${path}$`);

const ROUTES: readonly KitRoute[] = [
  {
    method: 'GET',
    path: /^\/oauth\/authorize$/,
    kind: 'public',
    handle: (ctx) => authorize(ctx, 'business'),
  },
  { method: 'POST', path: /^\/oauth\/access_token$/, kind: 'public', handle: accessToken },
  { method: 'GET', path: /^\/access_token$/, kind: 'api', handle: longLived },
  { method: 'GET', path: /^\/refresh_access_token$/, kind: 'api', handle: longLived },
  { method: 'GET', path: at('/me'), kind: 'api', handle: me },
  { method: 'POST', path: at(String.raw`/(\d+)/media`), kind: 'api', handle: createContainer },
  { method: 'POST', path: at(String.raw`/(\d+)/media_publish`), kind: 'create', handle: publishContainer },
  { method: 'GET', path: at(String.raw`/(\d+)/media`), kind: 'api', handle: listMedia },
  { method: 'GET', path: at(String.raw`/(\d+)/insights`), kind: 'api', handle: insights },
  {
    method: 'GET',
    path: at(String.raw`/(\d+)/content_publishing_limit`),
    kind: 'api',
    handle: publishingLimit,
  },
  { method: 'GET', path: at(String.raw`/(\d+)`), kind: 'api', handle: getNode },
];

/** Instagram content publishing with Instagram Login (graph.instagram.com and api.instagram.com on one base URL). */
export const INSTAGRAM_PLATFORM: KitPlatform = {
  name: 'instagram',
  routes: ROUTES,
  problem: graphRefusal([
    9,
    2207042,
    'You have reached the maximum number of posts that is allowed in 24 hours.',
  ]),
  rateLimitHeaders: (resetAtMs) => graphUsageHeaders(resetAtMs),
};

/** Starts an Instagram emulator: 50 publishes per rolling 24 h by default. */
export function startInstagramEmulator(options: KitEmulatorOptions = {}): Promise<KitEmulator> {
  return startKitEmulator(INSTAGRAM_PLATFORM, { postWindowS: 24 * 3600, postLimit: 50, ...options });
}
