import { runStatement, statement } from '@vibetribe/database';
import { type ConnectorAccount, isPlatformError } from '@vibetribe/platforms';
import { decryptAccountTokens, encryptAccountTokens } from '@vibetribe/runtime';
import type { PreparedPost } from './content';
import type { ActivityDeps } from './deps';
import type { Call } from './start';

const LOCK_ACCOUNT_TOKENS = statement(
  'lock-account-tokens',
  `select access_token_enc as "accessTokenEnc", refresh_token_enc as "refreshTokenEnc", status
   from social_accounts where id = ? for update`,
);

const STORE_TOKENS = statement(
  'store-refreshed-tokens',
  `update social_accounts set access_token_enc = ?, refresh_token_enc = ?, token_expires_at = ?,
     updated_at = now()
   where id = ?`,
);

/**
 * The account's tokens after a 401: refreshed once, on the account row's lock, so two targets (or
 * two workers) that meet the same expired token refresh it once, and the second takes the first's
 * new tokens. A platform that rotates refresh tokens would otherwise see the second refresh as a
 * reused grant and revoke it. Null when there is nothing to refresh with (the caller's 401 stands).
 */
async function refreshedAccount(
  deps: ActivityDeps,
  call: Call,
  used: ConnectorAccount,
): Promise<ConnectorAccount | null> {
  const oauth = deps.oauth?.[call.target.platform];
  if (!oauth) return null;
  const ids = { organizationId: call.organizationId, accountId: call.target.accountId };
  return deps.orm.em.fork().transactional(async (tx) => {
    const [row] = await runStatement<{
      accessTokenEnc: string;
      refreshTokenEnc: string | null;
      status: string;
    }>(tx, LOCK_ACCOUNT_TOKENS, [ids.accountId]);
    if (!row || row.status !== 'connected') return null;
    const stored = decryptAccountTokens(deps.secrets, { ...ids, ...row });
    // Someone refreshed while this call was failing: theirs is the current token.
    if (stored.accessToken !== used.accessToken) return { ...used, ...stored };
    const fresh = await oauth.refresh({ ...used, ...stored });
    if (!fresh) return null;
    const tokens = {
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken ?? stored.refreshToken,
    };
    const enc = encryptAccountTokens(deps.secrets, ids.organizationId, ids.accountId, tokens);
    await runStatement(tx, STORE_TOKENS, [
      enc.accessTokenEnc,
      enc.refreshTokenEnc,
      fresh.expiresAt,
      ids.accountId,
    ]);
    deps.logger.info({ accountId: ids.accountId }, 'access token refreshed after a 401');
    return { ...used, ...tokens };
  });
}

/**
 * Runs the platform calls with the account's access token; a 401 refreshes it once (see
 * `refreshedAccount`) and runs them again. A second 401, or a refresh the platform refuses, is the
 * attempt's auth failure: the account is then flagged for reconnection.
 */
export async function withFreshToken<T>(
  deps: ActivityDeps,
  call: Call,
  prepared: PreparedPost,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isPlatformError(err) || err.kind !== 'auth' || err.status !== 401) throw err;
    const account = await refreshedAccount(deps, call, prepared.account).catch((refreshErr: unknown) => {
      deps.logger.warn(
        { accountId: call.target.accountId, reason: isPlatformError(refreshErr) ? refreshErr.kind : 'error' },
        'token refresh failed',
      );
      return null;
    });
    if (!account) throw err;
    prepared.account = account;
    return run();
  }
}
