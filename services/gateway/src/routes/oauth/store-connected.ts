import { type EntityManager, Organization, SocialAccount } from '@vibetribe/database';
import type { ConnectableAccount, Platform } from '@vibetribe/platforms';
import { encryptAccountTokens, type SecretBox } from '@vibetribe/runtime';

/**
 * Stores the accounts an OAuth round trip found, tokens encrypted: a known account (also a
 * disconnected one) is connected again as itself, keeping its history. `sandbox`: the platform is
 * one of the emulators (SANDBOX_PLATFORMS).
 */
export async function storeConnected(
  em: EntityManager,
  secrets: SecretBox,
  orgId: string,
  platform: Platform,
  found: ConnectableAccount[],
  sandbox: boolean,
): Promise<SocialAccount[]> {
  const org = em.getReference(Organization, orgId);
  const stored: SocialAccount[] = [];
  for (const a of found) {
    const known = await em.findOne(SocialAccount, {
      organization: orgId,
      platform,
      externalId: a.externalId,
    });
    const account = known ?? new SocialAccount(org, platform, a.externalId, a.displayName, '');
    account.displayName = a.displayName.slice(0, 200);
    Object.assign(account, encryptAccountTokens(secrets, orgId, account.id, a.tokens));
    account.tokenExpiresAt = a.tokens.expiresAt;
    account.status = 'connected';
    account.sandbox = sandbox;
    account.disconnectedAt = null;
    em.persist(account);
    stored.push(account);
  }
  await em.flush();
  return stored;
}
