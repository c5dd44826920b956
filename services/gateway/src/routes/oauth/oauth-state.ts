import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Platform } from '@vibetribe/platforms';

/** What a connect started, kept server-side under its `state` until the callback takes it, once. */
export interface PendingConnect {
  platform: Platform;
  userId: string;
  orgId: string;
  redirectUri: string;
  codeVerifier?: string;
}

/** How long a user has to finish the platform's consent screen. */
export const STATE_TTL_S = 600;

const key = (state: string) => `oauth:state:${state}`;

/** Stores a pending connect under a new unguessable state (256 bits). */
export async function saveState(redis: Redis, pending: PendingConnect): Promise<string> {
  const state = randomBytes(32).toString('base64url');
  await redis.set(key(state), JSON.stringify(pending), 'EX', STATE_TTL_S);
  return state;
}

/** Takes a pending connect, atomically and once: a replayed, expired or forged state gets undefined. */
export async function takeState(redis: Redis, state: string): Promise<PendingConnect | undefined> {
  const raw = await redis.getdel(key(state));
  return raw ? (JSON.parse(raw) as PendingConnect) : undefined;
}
