import { Entity, Enum, ManyToOne, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';
import { Organization } from './organization.entity';
import { User } from './user.entity';

/** Roles, strongest first. */
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
/** A member's role in one organization. */
export type Role = (typeof ROLES)[number];

/** A user's role in an organization (table `memberships`: realtime reads it by user_id and organization_id). */
@Entity({ tableName: 'memberships' })
@Unique({ properties: ['user', 'organization'] })
export class Membership extends BaseEntity {
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user: User;

  @ManyToOne(() => Organization, { deleteRule: 'cascade' })
  organization: Organization;

  @Enum({ items: () => ROLES, type: 'string' })
  role: Role;

  constructor(user: User, organization: Organization, role: Role) {
    super();
    this.user = user;
    this.organization = organization;
    this.role = role;
  }
}
