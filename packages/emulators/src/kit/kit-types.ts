/** An account an emulated platform knows: a member, a page, an organization or a business account. */
export interface KitAccount {
  id: string;
  name: string;
  /** Platform-specific: `person`, `organization`, `page`, `business`, `personal`, … */
  type: string;
  /** The user who administers it (a page's or organization's admin); undefined for users themselves. */
  ownerId?: string;
}

/** What a bearer token stands for. */
export interface KitToken {
  token: string;
  accountId: string;
  /** Epoch ms; undefined: never expires. */
  expiresAtMs?: number;
  issuedAtMs: number;
  scope?: string;
}

/** Failures to inject; each counter is consumed by the requests it hits. */
export interface KitFaults {
  /** Delay before every API request is handled. */
  latencyMs?: number;
  /** Answer the next `count` creates (or any API call, with `on: 'any'`) with `status`, storing nothing. */
  failNext?: { status: number; count: number; resetInS?: number; on?: 'create' | 'any' };
  /** Accept and store the next N creates, then destroy the socket without answering. */
  dropResponseNext?: number;
  /** The next N videos end processing as failed. */
  failMediaProcessingNext?: number;
  /** Every access token issued so far is treated as expired from now on (refresh tokens still work). */
  expireTokens?: boolean;
}

/** Behaviour tests shorten or that sources disagree on. */
export interface KitSettings {
  /** Creates per account per window; the next one is a 429 with the platform's reset. */
  postLimit: number;
  postWindowS: number;
  /** How long an uploaded video stays in processing. */
  mediaProcessingMs: number;
  /** Lifetime of access tokens the OAuth endpoints issue. */
  accessTokenTtlS: number;
}

/** A stored post as the inspection API shows it. */
export interface KitPost {
  id: string;
  accountId: string;
  text: string;
  /** Ids (or URLs, for Instagram) of the media it carries. */
  media: string[];
  /** `text`, `image`, `multi_image`, `video`, `carousel`, `reels`, … */
  kind: string;
  receivedAt: string;
  metrics: Record<string, number>;
}

/** Counters for assertions. */
export interface KitStats {
  creates: { attempted: number; accepted: number; dropped: number; rejected: Record<string, number> };
  requests: number;
  mediaUploads: number;
  tokenExchanges: number;
  tokenRefreshes: number;
}
