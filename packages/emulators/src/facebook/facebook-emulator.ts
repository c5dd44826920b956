import { type KitEmulator, type KitEmulatorOptions, startKitEmulator } from '../kit/kit-emulator';
import { authorize } from '../kit/kit-oauth';
import { type KitPlatform, type KitRoute } from '../kit/kit-route';
import { graphRefusal, graphUsageHeaders } from '../graph/graph-problems';
import { accessToken, me, myPages } from './facebook-auth';
import { uploadPhoto, uploadVideo } from './facebook-media';
import { createFeedPost, getFeed, getNode, publishVideo } from './facebook-posts';

const V = String.raw`\/v\d+\.\d+`;
const at = (path: string) => new RegExp(`^${V}${path}$`);

const ROUTES: readonly KitRoute[] = [
  { method: 'GET', path: at('/dialog/oauth'), kind: 'public', handle: (ctx) => authorize(ctx, 'user') },
  { method: 'GET', path: at('/oauth/access_token'), kind: 'public', handle: accessToken },
  { method: 'GET', path: at('/me'), kind: 'api', handle: me },
  { method: 'GET', path: at('/me/accounts'), kind: 'api', handle: myPages },
  { method: 'POST', path: at(String.raw`/(\d+)/photos`), kind: 'api', handle: uploadPhoto },
  { method: 'POST', path: at(String.raw`/(\d+)/videos`), kind: 'api', handle: uploadVideo },
  { method: 'POST', path: at(String.raw`/(\d+)/feed`), kind: 'create', handle: createFeedPost },
  { method: 'GET', path: at(String.raw`/(\d+)/feed`), kind: 'api', handle: getFeed },
  { method: 'POST', path: at(String.raw`/(\d+)`), kind: 'create', handle: publishVideo },
  { method: 'GET', path: at(String.raw`/([\d_]+)`), kind: 'api', handle: getNode },
];

/** Facebook Pages on the Graph API: OAuth, page tokens, photos, videos, the feed; one base URL for every host. */
export const FACEBOOK_PLATFORM: KitPlatform = {
  name: 'facebook',
  routes: ROUTES,
  problem: graphRefusal([32, undefined, '(#32) Page request limit reached']),
  rateLimitHeaders: (resetAtMs) => graphUsageHeaders(resetAtMs),
};

/** Starts a Facebook Graph API emulator (graph.facebook.com, graph-video.facebook.com and the OAuth dialog). */
export function startFacebookEmulator(options: KitEmulatorOptions = {}): Promise<KitEmulator> {
  return startKitEmulator(FACEBOOK_PLATFORM, { postWindowS: 3600, postLimit: 200, ...options });
}
