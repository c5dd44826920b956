import { randomBytes } from 'node:crypto';
import {
  type KitAccount,
  type KitFaults,
  type KitPost,
  type KitSettings,
  type KitStats,
  type KitToken,
} from './kit-types';

/** An upload in any stage; platforms keep what they need in `data`. */
export interface KitMedia {
  id: string;
  accountId: string;
  kind: 'image' | 'video';
  createdAtMs: number;
  /** When processing ends (videos); undefined: ready at once. */
  readyAtMs?: number;
  fails: boolean;
  data: Record<string, unknown>;
}

/** An authorization code waiting to be exchanged, once. */
export interface KitCode {
  code: string;
  accountId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  scope?: string;
  expiresAtMs: number;
}

/** Defaults; each platform overrides what its docs say. */
export const KIT_DEFAULT_SETTINGS: KitSettings = {
  postLimit: 100,
  postWindowS: 24 * 3600,
  mediaProcessingMs: 500,
  accessTokenTtlS: 60 * 24 * 3600,
};

const emptyStats = (): KitStats => ({
  creates: { attempted: 0, accepted: 0, dropped: 0, rejected: {} },
  requests: 0,
  mediaUploads: 0,
  tokenExchanges: 0,
  tokenRefreshes: 0,
});

/** A random opaque string, as platforms issue for tokens and codes. */
export const opaque = (prefix: string): string => `${prefix}${randomBytes(18).toString('base64url')}`;

/** Everything one platform emulator remembers. */
export class KitState {
  settings: KitSettings;
  private readonly initialSettings: KitSettings;
  faults: KitFaults = {};
  stats: KitStats = emptyStats();
  readonly accounts = new Map<string, KitAccount>();
  readonly tokens = new Map<string, KitToken>();
  /** Refresh token → account id. */
  readonly refreshTokens = new Map<string, { accountId: string; scope?: string }>();
  readonly codes = new Map<string, KitCode>();
  readonly posts = new Map<string, KitPost>();
  readonly media = new Map<string, KitMedia>();
  private readonly windows = new Map<string, { startMs: number; count: number }>();
  private seq = 0;

  constructor(settings: Partial<KitSettings> = {}) {
    this.initialSettings = { ...KIT_DEFAULT_SETTINGS, ...settings };
    this.settings = { ...this.initialSettings };
  }

  /** Numeric ids that grow, so `ORDER BY id` is creation order. */
  nextId(): string {
    this.seq++;
    return `${Date.now()}${String(this.seq).padStart(6, '0')}`;
  }

  addAccount(account: KitAccount): void {
    this.accounts.set(account.id, account);
  }

  /** Binds a token to an account; `ttlS` undefined: it never expires. */
  issueToken(accountId: string, ttlS?: number, token = opaque('at_'), scope?: string): KitToken {
    const now = Date.now();
    const issued: KitToken = {
      token,
      accountId,
      issuedAtMs: now,
      ...(ttlS === undefined ? {} : { expiresAtMs: now + ttlS * 1000 }),
      ...(scope === undefined ? {} : { scope }),
    };
    this.tokens.set(token, issued);
    return issued;
  }

  /** The token's record when it is known and unexpired. */
  validToken(token: string | undefined): KitToken | 'expired' | undefined {
    const found = token === undefined ? undefined : this.tokens.get(token);
    if (!found) return undefined;
    if (found.expiresAtMs !== undefined && found.expiresAtMs <= Date.now()) return 'expired';
    return found;
  }

  /** Expires every issued access token now (the `expireTokens` fault). */
  expireAllTokens(): void {
    const now = Date.now();
    for (const t of this.tokens.values()) t.expiresAtMs = now;
  }

  /** Counts one create in the account's fixed window. */
  consumePost(accountId: string, nowMs: number): { allowed: boolean; resetAtMs: number; remaining: number } {
    const windowMs = this.settings.postWindowS * 1000;
    let window = this.windows.get(accountId);
    if (!window || nowMs >= window.startMs + windowMs) {
      window = { startMs: nowMs, count: 0 };
      this.windows.set(accountId, window);
    }
    const allowed = window.count < this.settings.postLimit;
    if (allowed) window.count++;
    return {
      allowed,
      resetAtMs: window.startMs + windowMs,
      remaining: this.settings.postLimit - window.count,
    };
  }

  /** Stores an accepted post. */
  storePost(post: Omit<KitPost, 'receivedAt' | 'metrics'>): KitPost {
    const stored: KitPost = { ...post, receivedAt: new Date().toISOString(), metrics: {} };
    this.posts.set(stored.id, stored);
    this.stats.creates.accepted++;
    return stored;
  }

  /** Stores an upload; a video processes for `mediaProcessingMs` and may be set to fail. */
  storeMedia(
    accountId: string,
    kind: 'image' | 'video',
    data: Record<string, unknown>,
    id = this.nextId(),
  ): KitMedia {
    const now = Date.now();
    const fails = kind === 'video' && (this.faults.failMediaProcessingNext ?? 0) > 0;
    if (fails) this.faults.failMediaProcessingNext = (this.faults.failMediaProcessingNext ?? 1) - 1;
    const media: KitMedia = {
      id,
      accountId,
      kind,
      createdAtMs: now,
      ...(kind === 'video' ? { readyAtMs: now + this.settings.mediaProcessingMs } : {}),
      fails,
      data,
    };
    this.media.set(id, media);
    this.stats.mediaUploads++;
    return media;
  }

  /** `processing`, `ready` or `failed`, as of now. */
  mediaStatus(media: KitMedia): 'processing' | 'ready' | 'failed' {
    if (media.readyAtMs !== undefined && Date.now() < media.readyAtMs) return 'processing';
    return media.fails ? 'failed' : 'ready';
  }

  /** Counts a refused create by status. */
  reject(status: number): void {
    const rejected = this.stats.creates.rejected;
    rejected[status] = (rejected[status] ?? 0) + 1;
  }

  /** Back to the start; accounts and tokens stay unless `accounts`. */
  reset(accounts = false): void {
    this.posts.clear();
    this.media.clear();
    this.windows.clear();
    this.codes.clear();
    this.faults = {};
    this.stats = emptyStats();
    this.settings = { ...this.initialSettings };
    if (accounts) {
      this.accounts.clear();
      this.tokens.clear();
      this.refreshTokens.clear();
    }
  }
}
