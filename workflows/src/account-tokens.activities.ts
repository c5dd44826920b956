import type { LocalActivityOptions } from '@temporalio/common';
import type { RefreshOutcome, ReconnectedTokens } from './account-tokens.contract';

/** Which account an activity works on. */
export interface AccountRef {
  accountId: string;
  organizationId: string;
  platform: string;
}

/** The stored token's state; `expiresInMs` is relative, so the workflow's clock never meets the database's. */
export interface AccountTokenState {
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  /** Null when the token does not expire (or its expiry is unknown). */
  expiresInMs: number | null;
  /** A refresh token is stored and the worker has the platform's OAuth client. */
  refreshable: boolean;
}

/** The activities of `accountTokensWorkflow`; implemented in `@vibetribe/activities`. */
export interface AccountTokenActivities {
  /** The stored token's status and expiry (throws, retryably, while the account's row is not committed). */
  readAccountTokenState(input: AccountRef): Promise<AccountTokenState>;
  /**
   * Refreshes the account's token on its row lock and stores it encrypted; with a fingerprint, only
   * if the stored token is still that one. A refused refresh flags the account and tells its people.
   */
  refreshAccountTokens(input: AccountRef & { usedTokenFingerprint?: string }): Promise<RefreshOutcome>;
  /** Stores a new OAuth round trip's (encrypted) tokens and connects the account again. */
  storeReconnectedTokens(input: AccountRef & ReconnectedTokens): Promise<void>;
}

/**
 * Local activities: a publish waiting in `refreshNow` holds a regular activity slot, so the refresh
 * it waits for must not need one. One short transaction and one OAuth call each.
 */
export const ACCOUNT_TOKEN_ACTIVITY_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '1 second',
  retry: {
    initialInterval: '500 ms',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
};
