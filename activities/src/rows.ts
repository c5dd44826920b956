import { randomUUID } from 'node:crypto';
import type { AuditActor, EntityManager, PostStatus, TargetError, TargetStatus } from '@vibetribe/database';
import type { ActivityDeps } from './deps';

/**
 * The publishing activities' database access, in SQL. A post's publish is the worker's hot path and
 * every statement is a round trip and a socket write on both ends, so each step is as few statements
 * as it can be (a lock, one data-modifying statement, a read), on rows rather than hydrated entities.
 * The tables are the ORM's (packages/database); the gateway keeps its entities.
 */

/** The knex instance behind the ORM, or a transaction of it: both run `raw`. */
export type Sql = ReturnType<EntityManager['getKnex']>;

/** A post target as the activities use it. */
export interface TargetRow {
  id: string;
  accountId: string;
  platform: string;
  status: TargetStatus;
  platformPostId: string | null;
  platformUrl: string | null;
  lastError: TargetError | null;
  attempts: number;
  publishedAt: string | null;
}

/** A post with its targets (ordered by creation). */
export interface PostRow {
  id: string;
  organizationId: string;
  status: PostStatus;
  version: number;
  deletedAt: Date | null;
  scheduledAt: Date | null;
  publishedAt: Date | null;
  /** Media attached to the post (any platform's). */
  mediaCount: number;
  targets: TargetRow[];
}

export const sqlOf = (deps: ActivityDeps): Sql => deps.orm.em.getKnex();

/** Runs one statement; its rows. */
export async function query<T>(sql: Sql, text: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const result = (await sql.raw(text, bindings as never[])) as unknown as { rows: T[] };
  return result.rows;
}

const TARGETS_JSON = `coalesce((select json_agg(json_build_object(
    'id', t.id, 'accountId', t.account_id, 'platform', t.platform, 'status', t.status,
    'platformPostId', t.platform_post_id, 'platformUrl', t.platform_url, 'lastError', t.last_error,
    'attempts', t.attempts, 'publishedAt', t.published_at) order by t.created_at, t.id)
  from post_targets t where t.post_id = p.id), '[]'::json)`;

/**
 * A timestamptz column as a Date. The ORM's pg driver leaves timestamps as Postgres text
 * (`2026-11-29 00:36:29.488+00`), which `Date` parses once the zone has minutes.
 */
export function toDate(value: Date | string | null): Date | null {
  if (value === null || value instanceof Date) return value;
  const date = new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${value}`);
  return date;
}

/** The post and its targets in one statement; `lock` takes the post row FOR UPDATE (inside a transaction). */
export async function readPost(sql: Sql, postId: string, lock = false): Promise<PostRow | null> {
  const rows = await query<PostRow>(
    sql,
    `select p.id, p.organization_id as "organizationId", p.status, p.version, p.deleted_at as "deletedAt",
       p.scheduled_at as "scheduledAt", p.published_at as "publishedAt",
       jsonb_array_length(p.media_ids) as "mediaCount", ${TARGETS_JSON} as targets
     from posts p where p.id = ?${lock ? ' for update of p' : ''}`,
    [postId],
  );
  const post = rows[0];
  if (!post) return null;
  post.deletedAt = toDate(post.deletedAt);
  post.scheduledAt = toDate(post.scheduledAt);
  post.publishedAt = toDate(post.publishedAt);
  return post;
}

/**
 * One audit entry of a post, as `recordPostAudit` writes it: `[sql, bindings]` of the statement that
 * ends a data-modifying `WITH`; `select 1` when `when` is false (the transition changed nothing).
 */
export function auditInsert(
  post: Pick<PostRow, 'id' | 'organizationId'>,
  action: string,
  actor: AuditActor,
  data: Record<string, unknown>,
  when = true,
): [string, unknown[]] {
  if (!when) return ['select 1', []];
  return [
    `insert into audit_events (id, created_at, updated_at, organization_id, subject_type, subject_id, action,
       actor_type, actor_id, data)
     values (?, clock_timestamp(), clock_timestamp(), ?, 'post', ?, ?, ?, ?, ?::jsonb)`,
    [randomUUID(), post.organizationId, post.id, action, actor.type, actor.id ?? null, JSON.stringify(data)],
  ];
}
