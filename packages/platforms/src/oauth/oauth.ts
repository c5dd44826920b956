import { type ConnectorAccount } from '../connector';
import { type Platform } from '../platform';

/** Tokens as a platform's token endpoint issues them. Never logged, never returned by the API. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string | null;
  /** Null: the token does not expire (a Facebook page token). */
  expiresAt: Date | null;
}

/** An account the user may connect after an OAuth round trip: the member, an organization, a page, a business account. */
export interface ConnectableAccount {
  /** What the connector publishes as (X user id, LinkedIn URN, page id, Instagram user id). */
  externalId: string;
  displayName: string;
  /** `member`, `organization`, `page`, `business`. */
  kind: string;
  tokens: TokenSet;
}

/** Where the browser is sent, and what the callback must bring back. */
export interface AuthorizeRequest {
  state: string;
  redirectUri: string;
  /** S256 challenge; only for platforms with `pkce`. */
  codeChallenge?: string;
}

/** One platform's OAuth: the consent URL, the code exchange, account discovery and refresh. */
export interface PlatformOAuth {
  readonly platform: Platform;
  /** Whether the platform takes PKCE (S256). */
  readonly pkce: boolean;
  authorizeUrl(req: AuthorizeRequest): string;
  /**
   * Exchanges the callback's code and lists the accounts it can publish as (Facebook: the user's pages;
   * LinkedIn: the member and the organizations they administer). Throws `PlatformError`.
   */
  connect(req: { code: string; redirectUri: string; codeVerifier?: string }): Promise<ConnectableAccount[]>;
  /**
   * New tokens for an account, or null where the platform has no refresh (a page token does not
   * expire; the user reconnects). Throws `PlatformError` of kind `auth` when the grant is gone.
   */
  refresh(account: ConnectorAccount): Promise<TokenSet | null>;
}

/** The client credentials and the hosts of one platform's OAuth. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
}

/** `expires_in` seconds from now, or null when absent. */
export const expiresIn = (seconds: number | undefined, now = Date.now()): Date | null =>
  seconds === undefined ? null : new Date(now + seconds * 1000);
