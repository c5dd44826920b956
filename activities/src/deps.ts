import type { Media, MikroORM } from '@vibetribe/database';
import type { PlatformConnector, PlatformOAuth } from '@vibetribe/platforms';
import type { Logger, SecretBox } from '@vibetribe/runtime';
import type { RequestRefresh } from './tokens';

/** Reads a medium's bytes, from the URL `MediaUrl` gave, for upload to a platform. */
export type MediaLoader = (media: Media, url: string) => Promise<Uint8Array>;

/**
 * A URL that needs no credentials and is valid now, for the rendition a platform takes: local
 * storage signs a fresh one (the one stored at upload expires), Cloudinary builds a delivery URL.
 */
export type MediaUrl = (media: Media, platform: string) => string;

/** Everything the publishing activities need, injected so tests can point them at emulators. */
export interface ActivityDeps {
  orm: MikroORM;
  /** One connector per platform the worker can publish to; a target on another platform fails permanently. */
  connectors: Partial<Record<string, PlatformConnector>>;
  /** Each platform's OAuth client: the token workflow's refreshes (none: the platform's tokens are not refreshed). */
  oauth?: Partial<Record<string, PlatformOAuth>>;
  /** How a publish that met a 401 asks the account's token workflow for a fresh token (none: the 401 stands). */
  requestRefresh?: RequestRefresh;
  /** Decrypts the accounts' stored tokens. */
  secrets: SecretBox;
  logger: Logger;
  /** Default: fetch the medium's URL. */
  loadMedia?: MediaLoader;
  /** Default: the URL stored at upload (tests; the worker passes its media storage's). */
  mediaUrl?: MediaUrl;
  /** Attempts during which a missing post or a version behind the workflow's is retried (the starter has not committed yet). Default 2: the first attempt may beat the commit; the second goes by the database. */
  commitWaitAttempts?: number;
  /** How far before the ledger intent a reconciliation looks for our post. Default 30 s. */
  lookupSkewMs?: number;
  /** How long a publish step waits for the database to answer again (`DEPENDENCY_WAIT_MS`). */
  dependencyWaitMs?: number;
}

/** A media loader that downloads the stored URL. */
export const fetchMedia: MediaLoader = async (media, url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  // The URL is signed: only its path goes into the error.
  if (!res.ok) throw new Error(`media ${media.id}: ${new URL(url).pathname} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};
