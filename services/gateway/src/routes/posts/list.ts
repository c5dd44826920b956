import type { MikroORM, Role } from '@vibetribe/database';
import { validationFailed } from '../../errors';
import { postsVersionSql } from '../../lib/list-access';
import { pgQuery } from '../../lib/pg';
import type { z } from '../../lib/zod';
import type { ListPostsQuery } from './schema';

/** Where the previous page ended: (created_at, id), newest first. */
interface Cursor {
  createdAt: Date;
  id: string;
}

/** Opaque cursors: base64url of `<iso>|<uuid>`. */
export const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');

/** Parses a cursor; a tampered one is a 400, not a 500. */
export function decodeCursor(raw: string): Cursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw validationFailed([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
  }
  return { createdAt, id };
}

export type ListQuery = z.output<typeof ListPostsQuery>;

/**
 * A timestamptz as `Date.prototype.toISOString` writes it (UTC, milliseconds, `Z`). to_char's `MS`
 * truncates the microseconds, as the driver's Date did.
 */
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A nullable SQL expression that renders as JSON text, or `null`. */
const orNull = (expr: string) => `coalesce(${expr}, 'null')`;
/** A quoted timestamp, or `null`. */
const isoJson = (col: string) => orNull(`'"' || ${iso(col)} || '"'`);

/**
 * A post as the API shows it (presentPost's shape, key for key), rendered by PostgreSQL as compact
 * JSON text: strings through to_json (JSON.stringify's escapes), uuids and timestamps quoted as they
 * are (nothing in them needs escaping), jsonb columns as stored. Concatenation, not
 * json_build_object: that one writes `"key" : value, ` (a sixth more bytes per page) and is slower.
 */
const POST_JSON = `'{"id":"' || p.id
  || '","organization_id":"' || p.organization_id
  || '","author_id":' || ${orNull(`'"' || p.author_id || '"'`)}
  || ',"content":' || to_json(p.content)::text
  || ',"platform_content":' || p.platform_content::text
  || ',"media_ids":' || p.media_ids::text
  || ',"scheduled_at":' || ${isoJson('p.scheduled_at')}
  || ',"timezone":' || to_json(p.timezone)::text
  || ',"status":' || to_json(p.status)::text
  || ',"version":' || p.version
  || ',"published_at":' || ${isoJson('p.published_at')}
  || ',"created_at":"' || ${iso('p.created_at')}
  || '","updated_at":"' || ${iso('p.updated_at')}
  || '","targets":[' || coalesce((
    SELECT string_agg('{"id":"' || t.id
      || '","account_id":"' || t.account_id
      || '","platform":' || to_json(t.platform)::text
      || ',"status":' || to_json(t.status)::text
      || ',"platform_post_id":' || ${orNull('to_json(t.platform_post_id)::text')}
      || ',"platform_url":' || ${orNull('to_json(t.platform_url)::text')}
      || ',"attempts":' || t.attempts
      || ',"last_error":' || ${orNull('t.last_error::text')}
      || ',"published_at":' || ${isoJson('t.published_at')}
      || '}', ',' ORDER BY t.created_at, t.id)
    FROM post_targets t WHERE t.post_id = p.id
  ), '') || ']}'`;

/**
 * The driver (as MikroORM configures it) returns timestamptz as text like `2026-11-28 23:37:12.198+00`;
 * JavaScript truncates any microseconds, as the page's own `created_at` does.
 */
const toDate = (v: string): Date => new Date(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));

/** One row of the list statement: the caller's role, then (when the page is read) one post per row. */
interface ListRow {
  role: Role;
  /** The organization's posts version (see the post_list_versions migration), as text; '0' before any write. */
  version: string;
  id: string | null;
  /** The last row's gives the cursor. */
  created_at: string | null;
  post: string | null;
}

/** The statement for one combination of filters: fixed text, so it is prepared once per connection. */
interface ListStatement {
  name: string;
  text: string;
}
const statements = new Map<string, ListStatement>();

function statementFor(q: ListQuery, cursor: boolean): ListStatement {
  const flags = [
    q.status ? 's' : '',
    q.from ? 'f' : '',
    q.to ? 't' : '',
    q.account_id ? 'a' : '',
    q.platform ? 'p' : '',
    cursor ? 'c' : '',
  ].join('');
  let st = statements.get(flags);
  if (st) return st;
  // $1 user, $2 organization, $3 limit + 1, then the filters'.
  const where = ['p.organization_id = $2', 'p.deleted_at IS NULL'];
  let n = 3;
  if (q.status) where.push(`p.status = $${++n}`);
  if (q.from) where.push(`p.scheduled_at >= $${++n}::timestamptz`);
  if (q.to) where.push(`p.scheduled_at < $${++n}::timestamptz`);
  if (q.account_id || q.platform) {
    const t = ['t.post_id = p.id'];
    if (q.account_id) t.push(`t.account_id = $${++n}::uuid`);
    if (q.platform) t.push(`t.platform = $${++n}`);
    where.push(`EXISTS (SELECT 1 FROM post_targets t WHERE ${t.join(' AND ')})`);
  }
  if (cursor) {
    where.push(`(p.created_at, p.id) < ($${n + 1}::timestamptz, $${n + 2}::uuid)`);
    n += 2;
  }
  const text = `SELECT m.role, v.n::text AS version, p.id, p.sort_at AS created_at, p.post
FROM memberships m
CROSS JOIN LATERAL (SELECT ${postsVersionSql('$2')} AS n) v
LEFT JOIN LATERAL (
  SELECT p.id, p.created_at AS sort_at, ${POST_JSON} AS post
  FROM posts p
  WHERE ${where.join(' AND ')}
  ORDER BY p.created_at DESC, p.id DESC
  LIMIT $3
) p ON true
WHERE m.user_id = $1 AND m.organization_id = $2
ORDER BY p.sort_at DESC, p.id DESC`;
  st = { name: `vt_list_posts_${flags || 'plain'}`, text };
  statements.set(flags, st);
  return st;
}

/** What one list statement found. */
export type ListResult =
  | { member: false }
  /** `version`: the organization's posts version the page was read at. */
  | { member: true; role: Role; version: string; body: string };

/**
 * The hottest read of the product in one round trip: the caller's membership of `orgId`, the
 * organization's posts version, and one page of its posts with the list filters applied, rendered by PostgreSQL as the API's JSON. The response body is
 * assembled from that text without parsing it. The test suite checks that a listed post equals the
 * same post from GET /posts/:id.
 */
export async function listPosts(
  orm: MikroORM,
  userId: string,
  orgId: string,
  q: ListQuery,
  cursor: Cursor | undefined,
): Promise<ListResult> {
  const st = statementFor(q, cursor !== undefined);
  const values: unknown[] = [userId, orgId, q.limit + 1];
  if (q.status) values.push(q.status);
  // Dates, not the texts: the driver writes any instant JavaScript reads (offsets PostgreSQL refuses, years before 1000).
  if (q.from) values.push(new Date(q.from));
  if (q.to) values.push(new Date(q.to));
  if (q.account_id) values.push(q.account_id);
  if (q.platform) values.push(q.platform);
  if (cursor) values.push(cursor.createdAt, cursor.id);
  const rows = await pgQuery<ListRow>(orm, { name: st.name, text: st.text, values });
  const first = rows[0];
  if (!first) return { member: false };
  const posts = first.post === null ? [] : rows;
  const page = posts.slice(0, q.limit);
  const last = page[page.length - 1];
  const next =
    posts.length > q.limit && last
      ? JSON.stringify(encodeCursor(toDate(last.created_at!), last.id!))
      : 'null';
  return {
    member: true,
    role: first.role,
    version: first.version,
    body: `{"data":[${page.map((p) => p.post).join(',')}],"next_cursor":${next}}`,
  };
}
