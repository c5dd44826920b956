import * as control from './x-control';
import { createTweet } from './x-create-tweet';
import * as media from './x-media';
import * as oauth from './x-oauth';
import { getMe, getTweet, getUserTweets } from './x-read';
import { type XRoute } from './x-route';

/** Every endpoint the X emulator serves. */
export const X_ROUTES: readonly XRoute[] = [
  { method: 'GET', path: /^\/i\/oauth2\/authorize$/, kind: 'oauth', handle: oauth.authorize },
  { method: 'POST', path: /^\/2\/oauth2\/token$/, kind: 'oauth', handle: oauth.token },
  { method: 'POST', path: /^\/2\/oauth2\/revoke$/, kind: 'oauth', handle: oauth.revoke },
  { method: 'POST', path: /^\/2\/tweets$/, kind: 'create', handle: createTweet },
  { method: 'GET', path: /^\/2\/tweets\/(\d+)$/, kind: 'api', handle: getTweet },
  { method: 'GET', path: /^\/2\/users\/me$/, kind: 'api', handle: getMe },
  { method: 'GET', path: /^\/2\/users\/(\d+)\/tweets$/, kind: 'api', handle: getUserTweets },
  { method: 'POST', path: /^\/2\/media\/upload$/, kind: 'api', handle: media.uploadCommand },
  { method: 'GET', path: /^\/2\/media\/upload$/, kind: 'api', handle: media.uploadStatus },
  { method: 'POST', path: /^\/2\/media\/upload\/initialize$/, kind: 'api', handle: media.uploadInitialize },
  { method: 'POST', path: /^\/2\/media\/upload\/(\d+)\/append$/, kind: 'api', handle: media.uploadAppend },
  {
    method: 'POST',
    path: /^\/2\/media\/upload\/(\d+)\/finalize$/,
    kind: 'api',
    handle: media.uploadFinalize,
  },
  { method: 'POST', path: /^\/2\/media\/metadata$/, kind: 'api', handle: media.mediaMetadata },
  { method: 'POST', path: /^\/__emulator\/accounts$/, kind: 'control', handle: control.addAccount },
  { method: 'POST', path: /^\/__emulator\/faults$/, kind: 'control', handle: control.setFaults },
  { method: 'DELETE', path: /^\/__emulator\/faults$/, kind: 'control', handle: control.clearFaults },
  { method: 'GET', path: /^\/__emulator\/posts$/, kind: 'control', handle: control.listPosts },
  { method: 'GET', path: /^\/__emulator\/stats$/, kind: 'control', handle: control.getStats },
  { method: 'POST', path: /^\/__emulator\/reset$/, kind: 'control', handle: control.reset },
  {
    method: 'POST',
    path: /^\/__emulator\/tweets\/(\d+)\/metrics$/,
    kind: 'control',
    handle: control.setMetrics,
  },
  { method: 'GET', path: /^\/__emulator\/settings$/, kind: 'control', handle: control.settings },
  { method: 'POST', path: /^\/__emulator\/settings$/, kind: 'control', handle: control.settings },
];
