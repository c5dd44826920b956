import { createSnowflakes } from './x-ids';
import {
  type XAccount,
  type XEmulatedPost,
  type XEmulatorSettings,
  type XFaults,
  type XPublicMetrics,
  type XStats,
} from './x-types';

/** A post as the emulator keeps it. */
export interface StoredTweet {
  id: string;
  userId: string;
  text: string;
  mediaIds: string[];
  receivedAtMs: number;
  metrics: XPublicMetrics;
}

/** An upload in any stage. */
export interface StoredMedia {
  id: string;
  mediaKey: string;
  userId: string;
  category: string;
  mediaType: string;
  totalBytes: number;
  segments: Map<number, number>;
  createdAtMs: number;
  finalizedAtMs?: number;
  /** Copied from the settings at FINALIZE so a later change does not alter uploads in flight. */
  processingMs: number;
  fails: boolean;
  alt?: string;
}

/** Defaults from PLATFORMS.md. */
export const DEFAULT_SETTINGS: XEmulatorSettings = {
  postLimit: 100,
  postWindowS: 15 * 60,
  mediaProcessingMs: 500,
  maxChunkBytes: 5 * 1024 * 1024,
  maxWeightedLength: 280,
  accessTokenTtlS: 7200,
};

/** An authorization code waiting to be exchanged, once. */
export interface XCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAtMs: number;
}

const emptyStats = (): XStats => ({
  creates: { attempted: 0, accepted: 0, dropped: 0, rejected: {} },
  requests: 0,
  mediaUploads: 0,
  tokenRefreshes: 0,
});

/** Everything the emulator remembers, in maps so a benchmark's thousands of posts stay O(1). */
export class XState {
  readonly nextId = createSnowflakes();
  settings: XEmulatorSettings;
  private readonly initialSettings: XEmulatorSettings;
  faults: XFaults = {};
  stats: XStats = emptyStats();
  readonly accountsByToken = new Map<string, XAccount>();
  readonly accountsById = new Map<string, XAccount>();
  readonly tweets = new Map<string, StoredTweet>();
  /** Per user, oldest first. */
  readonly timelines = new Map<string, StoredTweet[]>();
  /** `${userId}\n${text}` of every stored post. */
  readonly texts = new Set<string>();
  readonly media = new Map<string, StoredMedia>();
  readonly postWindows = new Map<string, { startMs: number; count: number }>();
  /** Access token → epoch ms it stops working; tokens registered by tests are not in it and never expire. */
  readonly tokenExpiry = new Map<string, number>();
  readonly codes = new Map<string, XCode>();
  /** Refresh token → the user and scope it was granted for. */
  readonly refreshTokens = new Map<string, { userId: string; scope: string }>();

  constructor(settings: Partial<XEmulatorSettings> = {}) {
    this.initialSettings = { ...DEFAULT_SETTINGS, ...settings };
    this.settings = { ...this.initialSettings };
  }

  /** Registers a user and token; registering a user again adds the new token and keeps the old. */
  addAccount(account: XAccount): void {
    this.accountsByToken.set(account.accessToken, account);
    this.accountsById.set(account.userId, account);
  }

  /** The user behind a bearer token: undefined when unknown or revoked, 'expired' past its lifetime. */
  userForToken(token: string): XAccount | 'expired' | undefined {
    const account = this.accountsByToken.get(token);
    if (!account) return undefined;
    const expiresAtMs = this.tokenExpiry.get(token);
    return expiresAtMs !== undefined && expiresAtMs <= Date.now() ? 'expired' : account;
  }

  /** Expires every access token now, those registered by tests too (the `expireTokens` fault). */
  expireAllTokens(): void {
    const now = Date.now();
    for (const token of this.accountsByToken.keys()) this.tokenExpiry.set(token, now);
  }

  /** Stores an accepted post. */
  storeTweet(userId: string, text: string, mediaIds: string[]): StoredTweet {
    const tweet: StoredTweet = {
      id: this.nextId(),
      userId,
      text,
      mediaIds,
      receivedAtMs: Date.now(),
      metrics: {
        retweet_count: 0,
        reply_count: 0,
        like_count: 0,
        quote_count: 0,
        bookmark_count: 0,
        impression_count: 0,
      },
    };
    this.tweets.set(tweet.id, tweet);
    if (text !== '') this.texts.add(`${userId}\n${text}`);
    const timeline = this.timelines.get(userId);
    if (timeline) timeline.push(tweet);
    else this.timelines.set(userId, [tweet]);
    return tweet;
  }

  /** Counts one create against the user's fixed window; `allowed` is false once the window is spent. */
  consumePost(userId: string, nowMs: number): { allowed: boolean; headers: Record<string, string> } {
    const windowMs = this.settings.postWindowS * 1000;
    let window = this.postWindows.get(userId);
    if (!window || nowMs >= window.startMs + windowMs) {
      window = { startMs: nowMs, count: 0 };
      this.postWindows.set(userId, window);
    }
    const allowed = window.count < this.settings.postLimit;
    if (allowed) window.count++;
    return {
      allowed,
      headers: {
        'x-rate-limit-limit': String(this.settings.postLimit),
        'x-rate-limit-remaining': String(this.settings.postLimit - window.count),
        'x-rate-limit-reset': String(Math.ceil((window.startMs + windowMs) / 1000)),
      },
    };
  }

  /** Sets some of a post's counters; false when the post is unknown. */
  setMetrics(tweetId: string, metrics: Partial<XPublicMetrics>): boolean {
    const tweet = this.tweets.get(tweetId);
    if (!tweet) return false;
    for (const [key, value] of Object.entries(metrics)) {
      if (key in tweet.metrics && typeof value === 'number')
        tweet.metrics[key as keyof XPublicMetrics] = value;
    }
    return true;
  }

  /** Stored posts oldest first, optionally of one user. */
  posts(userId?: string): XEmulatedPost[] {
    const source = userId === undefined ? [...this.tweets.values()] : (this.timelines.get(userId) ?? []);
    return source.map((t) => ({
      id: t.id,
      userId: t.userId,
      text: t.text,
      mediaIds: [...t.mediaIds],
      receivedAt: new Date(t.receivedAtMs).toISOString(),
    }));
  }

  /** Counts a refused create. */
  reject(status: number): void {
    const rejected = this.stats.creates.rejected;
    rejected[status] = (rejected[status] ?? 0) + 1;
  }

  /** Back to the state at start (posts, media, windows, faults, stats, settings); accounts stay unless `accounts`. */
  reset(accounts = false): void {
    this.tweets.clear();
    this.timelines.clear();
    this.texts.clear();
    this.media.clear();
    this.postWindows.clear();
    this.faults = {};
    this.stats = emptyStats();
    this.settings = { ...this.initialSettings };
    if (accounts) {
      this.accountsByToken.clear();
      this.accountsById.clear();
      this.tokenExpiry.clear();
      this.codes.clear();
      this.refreshTokens.clear();
    }
  }
}
