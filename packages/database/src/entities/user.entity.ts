import { Entity, Property, Unique } from '@mikro-orm/core';
import { BaseEntity } from './base.entity';

/** A person who signs in. Email is stored lower-cased; the password only as an argon2id hash. */
@Entity({ tableName: 'users' })
export class User extends BaseEntity {
  @Property({ type: 'string', length: 254 })
  @Unique()
  email: string;

  @Property({ type: 'string', length: 120 })
  name: string;

  @Property({ type: 'string', hidden: true, lazy: true })
  passwordHash: string;

  constructor(email: string, name: string, passwordHash: string) {
    super();
    this.email = email;
    this.name = name;
    this.passwordHash = passwordHash;
  }
}
