import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConnectableAccount } from '@vibetribe/platforms';
import type { SecretBox } from '@vibetribe/runtime';
import { STATE_TTL_S } from './oauth-state';

/**
 * Facebook pages a callback found, kept server-side until the user picks the ones to connect: bound to
 * the user and organization that started the connect, tokens encrypted (bound to the selection's id),
 * gone after `STATE_TTL_S` or once taken.
 */
export interface PageSelection {
  userId: string;
  orgId: string;
  expiresAt: string;
  pages: {
    externalId: string;
    displayName: string;
    kind: string;
    accessTokenEnc: string;
    expiresAt: string | null;
  }[];
}

const key = (id: string) => `oauth:selection:${id}`;
const context = (id: string) => `oauth-selection:${id}`;

/** Keeps the found pages under a new unguessable id (256 bits); returns the id. */
export async function savePageSelection(
  redis: Redis,
  secrets: SecretBox,
  owner: { userId: string; orgId: string },
  found: ConnectableAccount[],
): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  const selection: PageSelection = {
    ...owner,
    expiresAt: new Date(Date.now() + STATE_TTL_S * 1000).toISOString(),
    pages: found.map((a) => ({
      externalId: a.externalId,
      displayName: a.displayName,
      kind: a.kind,
      accessTokenEnc: secrets.encrypt(a.tokens.accessToken, context(id)),
      expiresAt: a.tokens.expiresAt ? a.tokens.expiresAt.toISOString() : null,
    })),
  };
  await redis.set(key(id), JSON.stringify(selection), 'EX', STATE_TTL_S);
  return id;
}

/**
 * The selection, if it exists and was started by this user for this organization; `take` removes it
 * atomically, so it is taken once (a replay gets undefined).
 */
export async function pageSelection(
  redis: Redis,
  id: string,
  owner: { userId: string; orgId: string },
  take = false,
): Promise<PageSelection | undefined> {
  const raw = take ? await redis.getdel(key(id)) : await redis.get(key(id));
  const selection = raw ? (JSON.parse(raw) as PageSelection) : undefined;
  return selection?.userId === owner.userId && selection.orgId === owner.orgId ? selection : undefined;
}

/** The chosen pages as the OAuth round trip found them, tokens decrypted for the store. */
export function chosenPages(
  secrets: SecretBox,
  id: string,
  selection: PageSelection,
  pageIds: string[],
): ConnectableAccount[] {
  return selection.pages
    .filter((p) => pageIds.includes(p.externalId))
    .map((p) => ({
      externalId: p.externalId,
      displayName: p.displayName,
      kind: p.kind,
      tokens: {
        accessToken: secrets.decrypt(p.accessTokenEnc, context(id)),
        expiresAt: p.expiresAt ? new Date(p.expiresAt) : null,
      },
    }));
}
