import { type PlatformOAuth } from '../oauth/oauth';
import { createPkcePair } from '../oauth/pkce';

/** Follows the authorize URL as a browser would (the emulator consents at once) and returns the callback's query. */
export async function consent(oauth: PlatformOAuth, login: string, redirectUri = 'http://127.0.0.1:1/cb') {
  const pkce = createPkcePair();
  const url = new URL(
    oauth.authorizeUrl({
      state: 'st-1',
      redirectUri,
      ...(oauth.pkce ? { codeChallenge: pkce.challenge } : {}),
    }),
  );
  url.searchParams.set('login', login);
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? '');
  return {
    code: location.searchParams.get('code') ?? '',
    state: location.searchParams.get('state'),
    redirectUri,
    ...(oauth.pkce ? { codeVerifier: pkce.verifier } : {}),
  };
}

/** The error a promise rejects with. */
export async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Record<string, unknown>,
  );
}
