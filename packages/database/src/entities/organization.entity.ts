import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';

/** A team: the tenant every post, account and medium belongs to. */
@Entity({ tableName: 'organizations' })
export class Organization extends BaseEntity {
  @Property({ type: 'string', length: 120 })
  name: string;

  @Property({ type: 'string', length: 80 })
  @Unique()
  slug: string;

  constructor(name: string, slug: string) {
    super();
    this.name = name;
    this.slug = slug;
  }
}
