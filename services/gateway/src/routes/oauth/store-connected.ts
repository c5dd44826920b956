import { type EntityManager, Organization, SocialAccount } from '@vibetribe/database';
import type { ConnectableAccount, Platform } from '@vibetribe/platforms';
import type { GatewayDeps } from '../../context';
import { storeAccountTokens } from '../../lib/account-tokens';

/**
 * Stores the accounts an OAuth round trip found, tokens encrypted (through the account's token
 * workflow, `storeAccountTokens`): a known account (also a disconnected one) is connected again as
 * itself, keeping its history. `sandbox`: the platform is one of the emulators (SANDBOX_PLATFORMS).
 */
export async function storeConnected(
  em: EntityManager,
  deps: Pick<GatewayDeps, 'env' | 'secrets' | 'ops' | 'logger'>,
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
    account.sandbox = sandbox;
    await storeAccountTokens(em, deps, account, a.tokens, !known);
    if (known) Object.assign(account, { status: 'connected', disconnectedAt: null });
    stored.push(account);
  }
  await em.flush();
  return stored;
}
