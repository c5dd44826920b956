import { authorize } from '../kit/kit-oauth';
import { type KitPlatform, type KitRoute } from '../kit/kit-route';
import { type KitEmulator, type KitEmulatorOptions, startKitEmulator } from '../kit/kit-emulator';
import { accessToken, organization, organizationAcls, userinfo } from './linkedin-auth';
import { getVideo, images, putImage, putVideoPart, videos } from './linkedin-media';
import { createPost, findByAuthor, socialActions } from './linkedin-posts';
import { linkedinProblem } from './linkedin-problems';

const ROUTES: readonly KitRoute[] = [
  {
    method: 'GET',
    path: /^\/oauth\/v2\/authorization$/,
    kind: 'public',
    handle: (ctx) => authorize(ctx, 'person'),
  },
  { method: 'POST', path: /^\/oauth\/v2\/accessToken$/, kind: 'public', handle: accessToken },
  { method: 'GET', path: /^\/v2\/userinfo$/, kind: 'api', handle: userinfo },
  { method: 'GET', path: /^\/rest\/organizationAcls$/, kind: 'api', handle: organizationAcls },
  { method: 'GET', path: /^\/rest\/organizations\/(\d+)$/, kind: 'api', handle: organization },
  { method: 'POST', path: /^\/rest\/images$/, kind: 'api', handle: images },
  { method: 'PUT', path: /^\/upload\/image\/(\d+)$/, kind: 'api', handle: putImage },
  { method: 'POST', path: /^\/rest\/videos$/, kind: 'api', handle: videos },
  { method: 'PUT', path: /^\/upload\/video\/(\d+)\/(\d+)$/, kind: 'api', handle: putVideoPart },
  { method: 'GET', path: /^\/rest\/videos\/([^/]+)$/, kind: 'api', handle: getVideo },
  { method: 'POST', path: /^\/rest\/posts$/, kind: 'create', handle: createPost },
  { method: 'GET', path: /^\/rest\/posts$/, kind: 'api', handle: findByAuthor },
  { method: 'GET', path: /^\/rest\/socialActions\/([^/]+)$/, kind: 'api', handle: socialActions },
];

/** LinkedIn's Posts API, images, videos and OAuth, as PLATFORMS.md describes them. */
export const LINKEDIN_PLATFORM: KitPlatform = {
  name: 'linkedin',
  routes: ROUTES,
  problem: linkedinProblem,
  // LinkedIn sends no reset header; a short-window 429 carries Retry-After here (UNCONFIRMED).
  rateLimitHeaders: (resetAtMs) => ({
    'retry-after': String(Math.max(0, Math.ceil((resetAtMs - Date.now()) / 1000))),
  }),
};

/** Starts a LinkedIn emulator: one base URL for `api.linkedin.com` and `www.linkedin.com/oauth`. */
export function startLinkedInEmulator(options: KitEmulatorOptions = {}): Promise<KitEmulator> {
  return startKitEmulator(LINKEDIN_PLATFORM, { postWindowS: 24 * 3600, postLimit: 150, ...options });
}
