import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One stripe of an organization's posts version (table `post_list_versions`): written only by the
 * triggers of migration 20261129003500, read by caches of the post list. The sum of `n` over an
 * organization's stripes grows with every committed change to its posts or their targets. Mapped so
 * that schema diffs know the table; never write it from the application.
 */
@Entity({ tableName: 'post_list_versions' })
export class PostListVersion {
  @PrimaryKey({ type: 'uuid' })
  organizationId!: string;

  @PrimaryKey({ type: 'smallint' })
  stripe!: number;

  @Property({ type: 'bigint', columnType: 'bigint' })
  n!: string;
}
