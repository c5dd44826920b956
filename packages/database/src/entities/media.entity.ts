import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

/** Media kinds, as detected from the file's bytes. */
export const MEDIA_KINDS = ['image', 'gif', 'video'] as const;
/** A medium's kind. */
export type MediaKind = (typeof MEDIA_KINDS)[number];
/** Media processing states. */
export const MEDIA_STATUSES = ['processing', 'ready', 'failed'] as const;
/** A medium's processing state. */
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

/** An uploaded image or video, stored on Cloudinary or local disk. */
@Entity({ tableName: 'media' })
@Index({ properties: ['organization', 'createdAt'] })
export class Media extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @ManyToOne(() => User, { deleteRule: 'set null', nullable: true })
  uploader: User | null;

  @Enum({ items: () => MEDIA_KINDS, type: 'string' })
  kind: MediaKind;

  @Property({ type: 'string', length: 100 })
  mime: string;

  @Property({ type: 'bigint' })
  bytes: number;

  @Property({ type: 'integer', nullable: true })
  width: number | null = null;

  @Property({ type: 'integer', nullable: true })
  height: number | null = null;

  @Property({ type: 'double', nullable: true })
  durationS: number | null = null;

  @Property({ type: 'text', nullable: true })
  alt: string | null = null;

  @Property({ type: 'string', length: 16 })
  storage: 'cloudinary' | 'local';

  @Property({ type: 'string', length: 255 })
  publicId: string;

  @Property({ type: 'text' })
  url: string;

  @Property({ type: 'string', length: 255, nullable: true })
  originalName: string | null = null;

  @Property({ type: 'string', length: 64 })
  sha256: string;

  /**
   * `processing` from upload until its job settles, then `ready` (renditions made) or `failed` (`error`
   * says why). A publish reads this column.
   */
  @Enum({ items: () => MEDIA_STATUSES, type: 'string' })
  status: MediaStatus = 'processing';

  /** Renditions by name (`thumbnail`, `x`, `instagram`, `poster`): a storage key, or a Cloudinary URL. */
  @Property({ type: 'json' })
  variants: Record<string, string> = {};

  /** The video codec ffprobe or Cloudinary reported (`h264`, `vp8`, …). */
  @Property({ type: 'string', length: 64, nullable: true })
  codec: string | null = null;

  /** Why processing failed; null otherwise. */
  @Property({ type: 'text', nullable: true })
  error: string | null = null;

  /** When processing settled (ready or failed). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  processedAt: Date | null = null;

  constructor(
    organization: Organization,
    init: Pick<Media, 'kind' | 'mime' | 'bytes' | 'storage' | 'publicId' | 'url' | 'sha256'>,
  ) {
    super();
    this.organization = organization;
    this.uploader = null;
    this.kind = init.kind;
    this.mime = init.mime;
    this.bytes = init.bytes;
    this.storage = init.storage;
    this.publicId = init.publicId;
    this.url = init.url;
    this.sha256 = init.sha256;
  }
}
