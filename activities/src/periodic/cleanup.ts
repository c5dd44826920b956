import { type EntityManager, runStatement, statement } from '@vibetribe/database';
import type { CleanupReport } from '@vibetribe/workflows';
import type { PeriodicDeps } from './deps';
import { beat } from './heartbeat';

/** A delete that reports how many rows it removed. */
const countedDelete = (name: string, from: string, where: string) =>
  statement(
    name,
    `with gone as (delete from ${from} where ${where} returning 1) select count(*)::int as n from gone`,
  );

const DELETE_REFRESH_TOKENS = countedDelete('cleanup-refresh-tokens', 'refresh_tokens', 'expires_at < now()');

/** OAuth states belong to the platforms' connect flow; the table may not exist yet. */
const OAUTH_STATES_TABLE = statement(
  'cleanup-oauth-states-table',
  `select 1 from information_schema.columns
   where table_schema = current_schema() and table_name = 'oauth_states' and column_name = 'expires_at'`,
);
const DELETE_OAUTH_STATES = countedDelete('cleanup-oauth-states', 'oauth_states', 'expires_at < now()');

/** Media no post has ever named (posts keep their media ids even when deleted), older than N days. */
const ORPHANED_MEDIA = statement(
  'cleanup-orphaned-media',
  `select m.id, m.public_id as "publicId", m.kind, m.storage, m.variants from media m
   where m.created_at < now() - make_interval(days => ?)
     and not exists (select 1 from posts p where p.media_ids @> jsonb_build_array(m.id::text))
   order by m.created_at limit 200`,
);
const DELETE_MEDIA = statement('cleanup-delete-media', `delete from media where id = ?`);

/**
 * A post's timeline is kept while the post is not final, and for N days after it became final (its
 * last change) or was deleted; other audit entries for N days after they were written.
 */
const DELETE_AUDIT = countedDelete(
  'cleanup-audit-events',
  'audit_events a',
  `a.created_at < now() - make_interval(days => ?)
   and (a.subject_type <> 'post' or not exists (
     select 1 from posts p where p.id = a.subject_id
       and (p.deleted_at is null and p.status not in ('published', 'partially_published', 'failed', 'cancelled')
         or coalesce(p.deleted_at, p.updated_at) >= now() - make_interval(days => ?))))`,
);

/**
 * Readings older than the cut-off (on a day boundary) become one per target and day: the day's last
 * (counters are cumulative), marked `day`; the others go. Then snapshots past retention go.
 */
const ROLL_UP_SNAPSHOTS = statement(
  'cleanup-roll-up-snapshots',
  `with ranked as (
     select id, row_number() over (
       partition by target_id, date_trunc('day', collected_at at time zone 'UTC')
       order by collected_at desc, id) as rn
     from analytics_snapshots
     where collected_at < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' - make_interval(days => ?)
   ), dropped as (
     delete from analytics_snapshots s using ranked r where s.id = r.id and r.rn > 1 returning 1
   ), kept as (
     update analytics_snapshots s set granularity = 'day', updated_at = now()
     from ranked r where s.id = r.id and r.rn = 1 and s.granularity <> 'day' returning 1
   )
   select (select count(*)::int from dropped) as dropped, (select count(*)::int from kept) as kept`,
);
const DELETE_OLD_SNAPSHOTS = countedDelete(
  'cleanup-old-snapshots',
  'analytics_snapshots',
  'collected_at < now() - make_interval(days => ?)',
);

interface OrphanRow {
  id: string;
  publicId: string;
  kind: 'image' | 'gif' | 'video';
  storage: string;
  variants: Record<string, string>;
}

const count = async (em: EntityManager, st: ReturnType<typeof statement>, params: unknown[] = []) =>
  (await runStatement<{ n: number }>(em, st, params))[0]?.n ?? 0;

/** Orphaned media: the files first (original and renditions), then the row, so no row outlives its file's removal failing. */
async function removeOrphanedMedia(deps: PeriodicDeps): Promise<number> {
  const em = deps.orm.em.fork();
  const rows = await runStatement<OrphanRow>(em, ORPHANED_MEDIA, [deps.settings.orphanMediaDays]);
  let removed = 0;
  for (const m of rows) {
    try {
      if (deps.mediaFiles) {
        // Local renditions are storage keys; Cloudinary's are derived URLs that go with the original.
        const keys = [m.publicId, ...Object.values(m.variants).filter((v) => !/^https?:/.test(v))];
        for (const key of keys) await deps.mediaFiles.remove(key, m.kind);
      }
      await runStatement(em, DELETE_MEDIA, [m.id]);
      removed += 1;
    } catch (err) {
      deps.logger.warn({ err, mediaId: m.id }, 'orphaned medium not removed; the next cleanup tries again');
    }
    beat({ media: removed });
  }
  return removed;
}

/** Finished Bull jobs past retention (the queue's own caps bound them by count; this bounds them by age). */
async function removeBullJobs(deps: PeriodicDeps): Promise<number> {
  if (!deps.mediaJobs) return 0;
  const grace = deps.settings.bullJobRetentionMs;
  const [completed, failed] = await Promise.all([
    deps.mediaJobs.clean(grace, 'completed'),
    deps.mediaJobs.clean(grace, 'failed'),
  ]);
  return completed.length + failed.length;
}

/** The daily cleanup; each kind is independent and reported by count. */
export function cleanUp(deps: PeriodicDeps) {
  return async (): Promise<CleanupReport> => {
    const s = deps.settings;
    const em = deps.orm.em.fork();
    const refreshTokens = await count(em, DELETE_REFRESH_TOKENS);
    const hasOauthStates = (await runStatement(em, OAUTH_STATES_TABLE)).length > 0;
    const oauthStates = hasOauthStates ? await count(em, DELETE_OAUTH_STATES) : 0;
    beat('tokens');
    const orphanedMedia = await removeOrphanedMedia(deps);
    const bullJobs = await removeBullJobs(deps);
    const auditEvents = await count(em, DELETE_AUDIT, [s.auditRetentionDays, s.auditRetentionDays]);
    beat('audit');
    const [rolled] = await runStatement<{ dropped: number; kept: number }>(em, ROLL_UP_SNAPSHOTS, [
      s.analyticsDailyAfterDays,
    ]);
    const snapshotsDeleted = await count(em, DELETE_OLD_SNAPSHOTS, [s.analyticsRetentionDays]);
    const report: CleanupReport = {
      refreshTokens,
      oauthStates,
      orphanedMedia,
      bullJobs,
      auditEvents,
      snapshotsRolledUp: rolled?.kept ?? 0,
      snapshotsDeleted: snapshotsDeleted + (rolled?.dropped ?? 0),
    };
    deps.logger.info(report, 'cleanup done');
    return report;
  };
}
