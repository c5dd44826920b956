import { defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * The account token workflow's contract: one long-lived workflow per connected account, id
 * `account-tokens-<accountId>`, the one writer of the account's tokens after their first store.
 * No token travels in plain text through it: updates carry ciphertexts or fingerprints only.
 */

/** One token workflow per account: a second start finds the running one. */
export const accountTokensWorkflowId = (accountId: string) => `account-tokens-${accountId}`;

/** How long before its expiry a token is refreshed. */
export const DEFAULT_REFRESH_MARGIN_MS = 10 * 60 * 1_000;

/** Input of `accountTokensWorkflow`. */
export interface AccountTokensInput {
  accountId: string;
  organizationId: string;
  platform: string;
  /** Default `DEFAULT_REFRESH_MARGIN_MS`. */
  refreshMarginMs?: number;
}

/** A `refreshNow` request: the token that met a 401, as its fingerprint (`tokenFingerprint`). */
export interface RefreshNowRequest {
  usedTokenFingerprint: string;
}

/**
 * What a refresh came to: `refreshed` (new tokens stored), `current` (the stored token is already
 * another than the one that failed: someone refreshed first), `refused` (the platform refused: the
 * account is flagged `needs_reconnect` and its people told), `unavailable` (nothing to refresh with:
 * no refresh token, no OAuth client, or the account is not connected).
 */
export type RefreshOutcome = 'refreshed' | 'current' | 'refused' | 'unavailable';

/** New tokens from an OAuth round trip, encrypted for the account (`encryptAccountTokens`). */
export interface ReconnectedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
  expiresAt: string | null;
}

/** What the workflow knows, for tests and operators. */
export interface AccountTokensStatus {
  refreshes: number;
  state: 'watching' | 'ended';
}

/** Refresh now (a publish met a 401): answered once a fresh token is stored, or why not. */
export const refreshNowUpdate = defineUpdate<RefreshOutcome, [RefreshNowRequest]>('refreshNow');
/** A new OAuth round trip's tokens for a known account: stored, and the account connected again. */
export const reconnectedUpdate = defineUpdate<void, [ReconnectedTokens]>('reconnected');
/** The account was disconnected: the workflow ends. */
export const disconnectUpdate = defineUpdate<void, []>('disconnect');
export const accountTokensStatusQuery = defineQuery<AccountTokensStatus>('accountTokensStatus');
