/** A user the emulator knows, with the bearer token that acts as them. */
export interface XAccount {
  userId: string;
  username: string;
  accessToken: string;
  name?: string;
}

/** Failures to inject; each counter is consumed by the requests it hits. */
export interface XFaults {
  /** Delay before every API request is handled. */
  latencyMs?: number;
  /** Answer the next `count` creates (or any API call, with `on: 'any'`) with `status`, storing nothing. */
  failNext?: { status: number; count: number; resetInS?: number; on?: 'create' | 'any' };
  /** Accept and store the next N creates, then destroy the socket without answering. */
  dropResponseNext?: number;
  /** The next N finalized videos/GIFs end processing in `failed`. */
  failMediaProcessingNext?: number;
  /** Every access token issued so far is treated as expired from now on (refresh tokens still work). */
  expireTokens?: boolean;
}

/** Behaviour that differs between sources or that tests shorten. */
export interface XEmulatorSettings {
  /** Creates per user per window (PLATFORMS.md: 100 / 15 min; an older table says 200). */
  postLimit: number;
  postWindowS: number;
  /** How long a video or GIF stays in processing after FINALIZE. */
  mediaProcessingMs: number;
  /** Largest APPEND segment (v1.1 says 5 MB; the v2 cap is unconfirmed). */
  maxChunkBytes: number;
  /** Weighted text limit (twitter-text counting). */
  maxWeightedLength: number;
  /** Lifetime of access tokens the OAuth endpoints issue (X: 2 h). */
  accessTokenTtlS: number;
}

/** The engagement counters X reports as `public_metrics`. */
export interface XPublicMetrics {
  retweet_count: number;
  reply_count: number;
  like_count: number;
  quote_count: number;
  bookmark_count: number;
  impression_count: number;
}

/** A stored post as the inspection endpoint shows it. */
export interface XEmulatedPost {
  id: string;
  userId: string;
  text: string;
  mediaIds: string[];
  /** ISO 8601 with milliseconds. */
  receivedAt: string;
}

/** Counters for benchmarks and assertions. */
export interface XStats {
  creates: {
    attempted: number;
    accepted: number;
    /** Accepted, then the response was dropped on purpose. */
    dropped: number;
    /** Refused creates by HTTP status. */
    rejected: Record<string, number>;
  };
  requests: number;
  mediaUploads: number;
  /** `refresh_token` grants answered with new tokens. */
  tokenRefreshes: number;
}
