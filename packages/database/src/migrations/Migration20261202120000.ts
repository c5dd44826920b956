import { Migration } from '@mikro-orm/migrations';

/**
 * What the media job learns and decides: the video codec, why processing failed (a publish that finds
 * the medium failed names it), and when it settled. Posts are found by the media they use (`media_ids`
 * containment) when a medium settles or is deleted.
 */
export class Migration20261202120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "media" add column "codec" varchar(64) null;');
    this.addSql('alter table "media" add column "error" text null;');
    this.addSql('alter table "media" add column "processed_at" timestamptz null;');
    this.addSql('create index "posts_media_ids_index" on "posts" using gin ("media_ids" jsonb_path_ops);');
  }

  override async down(): Promise<void> {
    this.addSql('drop index "posts_media_ids_index";');
    this.addSql('alter table "media" drop column "processed_at";');
    this.addSql('alter table "media" drop column "error";');
    this.addSql('alter table "media" drop column "codec";');
  }
}
