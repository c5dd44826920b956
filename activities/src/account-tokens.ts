import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { runStatement, statement } from '@vibetribe/database';
import { isPlatformError } from '@vibetribe/platforms';
import { decryptAccountTokens, encryptAccountTokens } from '@vibetribe/runtime';
import type { AccountTokenActivities, RefreshOutcome } from '@vibetribe/workflows';
import type { ActivityDeps } from './deps';
import { enqueueReconnectNeeded } from './reconnect';

/** A token's fingerprint: what a `refreshNow` names the token that met a 401 by (never the token). */
export const tokenFingerprint = (accessToken: string) =>
  createHash('sha256').update(accessToken).digest('base64url').slice(0, 22);

const READ_STATE = statement(
  'read-account-token-state',
  `select status, refresh_token_enc is not null as "hasRefreshToken",
     (extract(epoch from token_expires_at - now()) * 1000)::bigint as "expiresInMs"
   from social_accounts where id = ?`,
);

const LOCK_TOKENS = statement(
  'lock-account-tokens',
  `select external_id as "externalId", access_token_enc as "accessTokenEnc",
     refresh_token_enc as "refreshTokenEnc", status
   from social_accounts where id = ? for update`,
);

const STORE_REFRESHED = statement(
  'store-refreshed-tokens',
  `update social_accounts set access_token_enc = ?, refresh_token_enc = ?, token_expires_at = ?,
     updated_at = now()
   where id = ? and status = 'connected'`,
);

const FLAG_RECONNECT = statement(
  'flag-account-reconnect',
  `update social_accounts set status = 'needs_reconnect', updated_at = now()
   where id = ? and status = 'connected' returning id`,
);

const STORE_RECONNECTED = statement(
  'store-reconnected-tokens',
  `update social_accounts set access_token_enc = ?, refresh_token_enc = ?, token_expires_at = ?,
     status = 'connected', disconnected_at = null, updated_at = now()
   where id = ?`,
);

/**
 * The token workflow's activities. A refresh runs on the account row's lock, so it also waits for a
 * disconnect or a key rotation under way; the workflow already runs one at a time per account.
 */
export function createAccountTokenActivities(deps: ActivityDeps): AccountTokenActivities {
  return {
    async readAccountTokenState({ accountId, platform }) {
      const [row] = await runStatement<{
        status: 'connected' | 'needs_reconnect' | 'disconnected';
        hasRefreshToken: boolean;
        expiresInMs: string | null;
      }>(deps.orm.em.fork(), READ_STATE, [accountId]);
      // The gateway starts the workflow before its transaction commits: retried until it has.
      if (!row) throw ApplicationFailure.retryable(`account ${accountId} not found`, 'AccountNotCommitted');
      return {
        status: row.status,
        expiresInMs: row.expiresInMs === null ? null : Number(row.expiresInMs),
        refreshable: row.hasRefreshToken && Boolean(deps.oauth?.[platform]),
      };
    },

    async refreshAccountTokens({ accountId, organizationId, platform, usedTokenFingerprint }) {
      const oauth = deps.oauth?.[platform];
      if (!oauth) return 'unavailable';
      const outcome = await deps.orm.em.fork().transactional(async (tx): Promise<RefreshOutcome> => {
        const [row] = await runStatement<{
          externalId: string;
          accessTokenEnc: string;
          refreshTokenEnc: string | null;
          status: string;
        }>(tx, LOCK_TOKENS, [accountId]);
        if (!row || row.status !== 'connected') return 'unavailable';
        const stored = decryptAccountTokens(deps.secrets, { organizationId, accountId, ...row });
        // A refresh went first: the stored token is not the one that met the 401.
        if (usedTokenFingerprint && tokenFingerprint(stored.accessToken) !== usedTokenFingerprint)
          return 'current';
        let fresh;
        try {
          fresh = await oauth.refresh({ externalId: row.externalId, ...stored });
        } catch (err) {
          if (!isPlatformError(err) || err.kind !== 'auth') throw err;
          await runStatement(tx, FLAG_RECONNECT, [accountId]);
          await enqueueReconnectNeeded(tx, { id: accountId, organizationId });
          return 'refused';
        }
        if (!fresh) return 'unavailable';
        const enc = encryptAccountTokens(deps.secrets, organizationId, accountId, {
          accessToken: fresh.accessToken,
          refreshToken: fresh.refreshToken ?? stored.refreshToken,
        });
        await runStatement(tx, STORE_REFRESHED, [
          enc.accessTokenEnc,
          enc.refreshTokenEnc,
          fresh.expiresAt,
          accountId,
        ]);
        return 'refreshed';
      });
      deps.logger.info({ accountId, platform, outcome }, 'account token refresh');
      return outcome;
    },

    async storeReconnectedTokens({ accountId, accessTokenEnc, refreshTokenEnc, expiresAt }) {
      await runStatement(deps.orm.em.fork(), STORE_RECONNECTED, [
        accessTokenEnc,
        refreshTokenEnc,
        expiresAt === null ? null : new Date(expiresAt),
        accountId,
      ]);
    },
  };
}
