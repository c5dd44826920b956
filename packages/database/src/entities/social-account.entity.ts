import { Entity, Enum, ManyToOne, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';

/** Connection states of a social account. */
export const ACCOUNT_STATUSES = ['connected', 'needs_reconnect', 'disconnected'] as const;
/** A social account's connection state. */
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A connected platform account. Its tokens are encrypted at rest (AES-256-GCM, see runtime's SecretBox). */
@Entity({ tableName: 'social_accounts' })
@Unique({ properties: ['organization', 'platform', 'externalId'] })
export class SocialAccount extends BaseEntity {
  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @Property({ type: 'string', length: 32 })
  platform: string;

  @Property({ type: 'string', length: 128 })
  externalId: string;

  @Property({ type: 'string', length: 200 })
  displayName: string;

  @Property({ type: 'text', hidden: true })
  accessTokenEnc: string;

  @Property({ type: 'text', hidden: true, nullable: true })
  refreshTokenEnc?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  tokenExpiresAt?: Date | null;

  @Enum({ items: () => ACCOUNT_STATUSES, type: 'string' })
  status: AccountStatus = 'connected';

  /** Connected through a platform emulator (sandbox mode): its posts never reach the real platform. */
  @Property({ type: 'boolean', default: false })
  sandbox: boolean = false;

  /** When it was disconnected; its targets and their history stay (null while connected). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  disconnectedAt: Date | null = null;

  constructor(
    organization: Organization,
    platform: string,
    externalId: string,
    displayName: string,
    accessTokenEnc: string,
  ) {
    super();
    this.organization = organization;
    this.platform = platform;
    this.externalId = externalId;
    this.displayName = displayName;
    this.accessTokenEnc = accessTokenEnc;
  }
}
