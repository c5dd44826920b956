import { type Platform } from './platform';
import { type PlatformLimits } from './validation/limits';
import { type MediaKind, type PostInput, type Violation } from './validation/types';

/** The connected account a call acts as (tokens decrypted by the caller). */
export interface ConnectorAccount {
  /** The account's id on the platform (X user id, LinkedIn person URN, Bluesky DID, …). */
  externalId: string;
  accessToken: string;
  refreshToken?: string | null;
}

/** Bytes to upload, as the media service prepared them for this platform. */
export interface MediaUpload {
  bytes: Buffer | Uint8Array;
  mime: string;
  kind: MediaKind;
  alt?: string;
  /** Where the platform may fetch it itself (Instagram only publishes from a public URL). */
  url?: string;
}

/** An attachment the platform holds, ready to publish with; JSON-serializable so it can cross activities. */
export interface UploadedMedia {
  /** The platform's media id (X media id, LinkedIn image URN, …). */
  id: string;
  kind: MediaKind;
  alt?: string;
  /** After this the platform forgets the upload and it must be sent again (ISO 8601). */
  expiresAt?: string;
  /** Whatever else the platform needs at publish time (a Bluesky blob ref); opaque to callers. */
  ref?: unknown;
}

/** One post to publish. */
export interface PublishRequest {
  account: ConnectorAccount;
  text: string;
  media: UploadedMedia[];
  /** Our stable reference for this (post, target, version); carried where the platform allows. */
  clientRef: string;
  /** Sent as the platform's idempotency key where it has one (Mastodon); ignored elsewhere. */
  idempotencyKey: string;
}

/** Where a published post lives. */
export interface PublishResult {
  platformPostId: string;
  url: string;
}

/** What to look for when reconciling a publish whose outcome is unknown. */
export interface LookupRequest {
  account: ConnectorAccount;
  clientRef: string;
  text: string;
  since: Date;
}

/** Engagement counters; optional ones are those some platforms do not report. */
export interface PostMetrics {
  impressions?: number;
  likes: number;
  reposts: number;
  replies: number;
  quotes?: number;
  bookmarks?: number;
}

/**
 * What the publishing activities need from a platform. Every method throws only `PlatformError`
 * for platform and transport failures.
 */
export interface PlatformConnector {
  readonly platform: Platform;
  validate(input: PostInput, limits?: Partial<PlatformLimits>): Violation[];
  uploadMedia(account: ConnectorAccount, media: MediaUpload): Promise<UploadedMedia>;
  publish(req: PublishRequest): Promise<PublishResult>;
  /**
   * Reconciliation after an unknown outcome: finds a post made by us since `since` (matched by
   * clientRef where the platform carries one, else by exact normalized text); null when the platform
   * proves it absent.
   */
  lookup(req: LookupRequest): Promise<PublishResult | null>;
  metrics(account: ConnectorAccount, platformPostId: string): Promise<PostMetrics>;
}
