import { Migration } from '@mikro-orm/migrations';

/**
 * Audit events in the order they were written (`seq`): a timeline reads in it, where entries of one
 * transaction can share a millisecond and would otherwise fall back to their random ids.
 */
export class Migration20261202100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "audit_events" add column "seq" bigserial not null;');
    this.addSql(
      'create index "audit_events_subject_seq_index" on "audit_events" ("subject_type", "subject_id", "seq");',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index "audit_events_subject_seq_index";');
    this.addSql('alter table "audit_events" drop column "seq";');
  }
}
