import { runStatement, statement } from '@vibetribe/database';
import { isPlatformError } from '@vibetribe/platforms';
import { decryptAccountTokens } from '@vibetribe/runtime';
import type { RefreshOutcome } from '@vibetribe/workflows';
import { tokenFingerprint } from './account-tokens';
import type { PreparedPost } from './content';
import type { ActivityDeps } from './deps';
import type { Call } from './start';

/** Asks an account's token workflow for a fresh token (its `refreshNow` update, starting it if need be). */
export type RequestRefresh = (
  account: { accountId: string; organizationId: string; platform: string },
  usedTokenFingerprint: string,
) => Promise<RefreshOutcome>;

const READ_TOKENS = statement(
  'read-account-tokens',
  `select access_token_enc as "accessTokenEnc", refresh_token_enc as "refreshTokenEnc"
   from social_accounts where id = ? and status = 'connected'`,
);

/**
 * Runs the platform calls with the account's access token. A 401 asks the account's token workflow to
 * refresh (it refreshes one request at a time: a second target that met the same expired token is
 * told `current` and takes the first one's token) and runs them again with the stored token. A second
 * 401, or a refresh the platform refuses, is the attempt's auth failure.
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
    if (!isPlatformError(err) || err.kind !== 'auth' || err.status !== 401 || !deps.requestRefresh) throw err;
    const ids = { organizationId: call.organizationId, accountId: call.target.accountId };
    const outcome = await deps.requestRefresh(
      { ...ids, platform: call.target.platform },
      tokenFingerprint(prepared.account.accessToken),
    );
    if (outcome !== 'refreshed' && outcome !== 'current') throw err;
    const [row] = await runStatement<{ accessTokenEnc: string; refreshTokenEnc: string | null }>(
      deps.orm.em.fork(),
      READ_TOKENS,
      [ids.accountId],
    );
    if (!row) throw err;
    prepared.account = { ...prepared.account, ...decryptAccountTokens(deps.secrets, { ...ids, ...row }) };
    return run();
  }
}
