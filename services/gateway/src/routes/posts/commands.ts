import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  AUDIT_INSERT,
  auditParam,
  canPublishNow,
  canRetry,
  type EntityManager,
  FINAL_POST_STATUSES,
  isEditable,
  OUTBOX_INSERT,
  outboxParam,
  type Membership,
  Post,
  PostTarget,
  recordPostAudit,
  runStatement,
  statement,
  type Role,
  WORKFLOW_POST_STATUSES,
} from '@vibetribe/database';
import type { Actor, PublishPostInput } from '@vibetribe/workflows';
import { LockMode } from '@mikro-orm/core';
import type { GatewayDeps } from '../../context';
import { conflict, notFound, unprocessable } from '../../errors';
import { requireRole } from '../../lib/access';
import { postEventRecord } from '../../lib/events';
import { type PostRow, postRow, type PresentedPost, presentPostRow } from './presenters';
import { resolveTargets } from './targets';
import type { z } from '../../lib/zod';
import type { CreatePostBody, UpdatePostBody } from './schema';

/**
 * The workflow input of a post's row (an entity's through `postRow`, targets loaded): its time and
 * version, and its targets for the status query while it waits.
 */
function workflowInput(post: PostRow): PublishPostInput {
  return {
    postId: post.id,
    organizationId: post.organizationId,
    scheduledAt: post.scheduledAt?.toISOString() ?? null,
    version: post.version,
    targets: post.targets.map((t) => ({ targetId: t.id, platform: t.platform })),
  };
}

type Deps = Pick<GatewayDeps, 'scheduler'>;

/** Loads a post the caller may act on with `min` role, locked for update. A foreign or deleted post is 404. */
export async function lockPost(
  em: EntityManager,
  userId: string,
  postId: string,
  min: Role,
): Promise<{ post: Post; membership: Membership }> {
  const post = await em.findOne(
    Post,
    { id: postId, deletedAt: null },
    { lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  if (!post) throw notFound('Post');
  const membership = await requireRole(em, userId, post.organization.id, min, 'Post');
  await em.populate(post, ['targets']);
  return { post, membership };
}

/**
 * A new post in one statement: its row, its targets, its `created` timeline entry and its event (the
 * `AUDIT_INSERT` and `OUTBOX_INSERT` fragments). Creating is the gateway's hot write: this is three
 * round trips and a unit-of-work flush fewer than the entities would take (README, *Performance*).
 */
const INSERT_POST = statement(
  'create-post',
  `with post as (
     insert into posts (id, created_at, updated_at, organization_id, author_id, content, platform_content,
       media_ids, scheduled_at, timezone, status, version)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?)
   ), targets as (
     insert into post_targets (id, created_at, updated_at, post_id, account_id, platform, status, attempts,
       sandbox)
     select t.id, t.created_at, t.created_at, ?, t.account_id, t.platform, t.status, t.attempts, t.sandbox
     from jsonb_to_recordset(?::jsonb) as t(id uuid, created_at timestamptz, account_id uuid,
       platform text, status text, attempts int, sandbox boolean)
   ), outbox as (${OUTBOX_INSERT}
   ), audit as (${AUDIT_INSERT})
   select 1`,
);

/**
 * Creates a draft or a scheduled post, presented as the API shows it. A scheduled one starts its
 * workflow after the rows are written and before the transaction commits: a start that fails leaves
 * nothing behind.
 */
export async function createPost(
  em: EntityManager,
  deps: Deps,
  membership: Membership,
  userId: string,
  body: z.output<typeof CreatePostBody>,
): Promise<PresentedPost> {
  const orgId = membership.organization.id;
  const accounts = await resolveTargets(em, orgId, {
    content: body.content,
    platformContent: body.platform_content ?? {},
    accountIds: body.target_account_ids,
    mediaIds: body.media_ids ?? [],
  });
  const now = new Date();
  const scheduledAt = body.scheduled_at ? new Date(body.scheduled_at) : null;
  const row: PostRow = {
    id: randomUUID(),
    organizationId: orgId,
    authorId: userId,
    content: body.content,
    platformContent: body.platform_content ?? {},
    mediaIds: body.media_ids ?? [],
    scheduledAt,
    timezone: body.timezone ?? 'UTC',
    status: scheduledAt ? 'scheduled' : 'draft',
    version: 1,
    publishedAt: null,
    createdAt: now,
    updatedAt: now,
    targets: accounts.map((account) => ({
      id: randomUUID(),
      accountId: account.id,
      platform: account.platform,
      status: 'pending',
      platformPostId: null,
      platformUrl: null,
      attempts: 0,
      lastError: null,
      publishedAt: null,
      createdAt: now,
      sandbox: account.sandbox,
    })),
  };
  const presented = presentPostRow(row);
  const actor: Actor = { type: 'user', id: userId };
  const created = {
    post: row,
    action: 'created',
    actor,
    data: { status: row.status, scheduled_at: presented.scheduled_at },
  };
  await runStatement(em, INSERT_POST, [
    row.id,
    now,
    now,
    orgId,
    userId,
    row.content,
    JSON.stringify(row.platformContent),
    JSON.stringify(row.mediaIds),
    scheduledAt,
    row.timezone,
    row.status,
    row.version,
    row.id,
    JSON.stringify(
      row.targets.map((t) => ({
        id: t.id,
        created_at: now,
        account_id: t.accountId,
        platform: t.platform,
        status: t.status,
        attempts: t.attempts,
        sandbox: t.sandbox,
      })),
    ),
    outboxParam([postEventRecord(orgId, 'created', presented)]),
    auditParam([created]),
  ]);
  if (scheduledAt) {
    await deps.scheduler.schedule(workflowInput(row));
  }
  return presented;
}

/**
 * A `scheduled_at` a create or an edit asks for must lie ahead. 422, not 400: the time is well formed
 * (the document cannot say "after now"), only too late; the field is named as a 400 would.
 */
export function assertFutureSchedule(scheduledAt: string | null | undefined): void {
  if (scheduledAt && new Date(scheduledAt).getTime() <= Date.now()) {
    throw unprocessable('schedule-in-past', 'scheduled_at must be in the future.', {
      errors: [{ path: 'body.scheduled_at', message: 'must be in the future' }],
    });
  }
}

/** Applies an edit with optimistic concurrency; tells the workflow what changed, before commit. */
export async function updatePost(
  em: EntityManager,
  deps: Deps,
  userId: string,
  postId: string,
  body: z.output<typeof UpdatePostBody>,
): Promise<Post> {
  assertFutureSchedule(body.scheduled_at);
  const { post } = await lockPost(em, userId, postId, 'editor');
  if (post.version !== body.version) {
    throw conflict('stale-version', 'The post changed since you read it; reload and try again.', {
      current_version: post.version,
    });
  }
  if (!isEditable(post.status)) {
    throw conflict('post-locked', `The post is ${post.status}; it can no longer be edited.`, {
      post_status: post.status,
    });
  }
  // What a retry applies to is retried, not rescheduled (only `failed` is still editable).
  if (canRetry(post.status) && body.scheduled_at !== undefined) {
    throw conflict('post-failed', 'A failed post is retried (POST /posts/{id}/retry), not rescheduled.', {
      post_status: post.status,
    });
  }
  const contentChanged =
    body.content !== undefined ||
    body.platform_content !== undefined ||
    body.media_ids !== undefined ||
    body.target_account_ids !== undefined;
  const accounts = await resolveTargets(em, post.organization.id, {
    content: body.content ?? post.content,
    platformContent: body.platform_content ?? post.platformContent,
    accountIds: body.target_account_ids ?? post.targets.getItems().map((t) => t.account.id),
    mediaIds: body.media_ids ?? post.mediaIds,
  });
  if (body.content !== undefined) post.content = body.content;
  if (body.platform_content !== undefined) post.platformContent = body.platform_content;
  if (body.media_ids !== undefined) post.mediaIds = body.media_ids;
  if (body.timezone !== undefined) post.timezone = body.timezone;
  if (body.target_account_ids !== undefined) {
    const keep = new Set(accounts.map((a) => a.id));
    for (const t of post.targets.getItems()) if (!keep.has(t.account.id)) post.targets.remove(t);
    const have = new Set(post.targets.getItems().map((t) => t.account.id));
    for (const a of accounts) if (!have.has(a.id)) post.targets.add(new PostTarget(post, a));
  }
  const before = { status: post.status, scheduledAt: post.scheduledAt };
  if (body.scheduled_at !== undefined) {
    post.scheduledAt = body.scheduled_at === null ? null : new Date(body.scheduled_at);
    post.status = post.scheduledAt ? 'scheduled' : 'draft';
  }
  post.version += 1;
  const actor: Actor = { type: 'user', id: userId };
  const timeChanged = (before.scheduledAt?.getTime() ?? null) !== (post.scheduledAt?.getTime() ?? null);
  recordPostAudit(em, post, 'updated', actor, {
    version: post.version,
    content_changed: contentChanged,
    ...(timeChanged
      ? {
          scheduled_at: post.scheduledAt?.toISOString() ?? null,
          previous_scheduled_at: before.scheduledAt?.toISOString() ?? null,
        }
      : {}),
  });
  await em.flush();
  // An editable post with a workflow is scheduled or failed (the others are locked).
  const hadWorkflow = WORKFLOW_POST_STATUSES.includes(before.status);
  if (post.status === 'draft' && hadWorkflow) {
    await ignoreMissing(deps.scheduler.cancel(post.id, 'unscheduled', actor));
  } else if (post.scheduledAt && !hadWorkflow) {
    await deps.scheduler.schedule(workflowInput(postRow(post)));
  } else if (post.scheduledAt && timeChanged) {
    await deps.scheduler.reschedule(post.id, post.scheduledAt, post.version, actor);
  } else if (hadWorkflow && contentChanged) {
    await deps.scheduler.contentUpdated(post.id, post.version, actor);
  }
  return post;
}

/** Deletes (soft) a post and cancels its workflow. Refused while it is being published. */
export async function deletePost(
  em: EntityManager,
  deps: Deps,
  userId: string,
  postId: string,
): Promise<Post> {
  const { post } = await lockPost(em, userId, postId, 'editor');
  if (post.status === 'publishing')
    throw conflict('post-locked', 'The post is being published; it cannot be deleted now.', {
      post_status: post.status,
    });
  const actor: Actor = { type: 'user', id: userId };
  const hadWorkflow = WORKFLOW_POST_STATUSES.includes(post.status);
  // A post that had not reached an outcome yet (a draft, a scheduled post) ends cancelled; one that
  // had (published, failed...) keeps it in its history.
  if (!FINAL_POST_STATUSES.includes(post.status)) post.status = 'cancelled';
  post.deletedAt = new Date();
  recordPostAudit(em, post, 'deleted', actor);
  await em.flush();
  if (hadWorkflow) await ignoreMissing(deps.scheduler.cancel(post.id, 'deleted', actor));
  return post;
}

/** Publishes now: signals the waiting workflow, or starts one for a draft. */
export async function publishPostNow(
  em: EntityManager,
  deps: Deps,
  userId: string,
  postId: string,
): Promise<Post> {
  const { post } = await lockPost(em, userId, postId, 'editor');
  if (!canPublishNow(post.status)) {
    throw conflict(
      'post-locked',
      `The post is ${post.status}; only drafts and scheduled posts can be published now.`,
      { post_status: post.status },
    );
  }
  const actor: Actor = { type: 'user', id: userId };
  const wasDraft = post.status === 'draft';
  post.status = 'scheduled';
  recordPostAudit(em, post, 'publish_requested', actor);
  await em.flush();
  if (wasDraft) {
    await deps.scheduler.schedule({ ...workflowInput(postRow(post)), scheduledAt: null }, true);
  } else {
    await deps.scheduler.publishNow(post.id, post.version, actor);
  }
  return post;
}

/** Retries a failed or partially published post's failed targets. */
export async function retryPost(
  em: EntityManager,
  deps: Deps,
  userId: string,
  postId: string,
): Promise<Post> {
  const { post } = await lockPost(em, userId, postId, 'editor');
  if (!canRetry(post.status)) {
    throw conflict(
      'not-retryable',
      `The post is ${post.status}; only failed or partially published posts can be retried.`,
      { post_status: post.status },
    );
  }
  const actor: Actor = { type: 'user', id: userId };
  recordPostAudit(em, post, 'retry_requested', actor);
  await em.flush();
  try {
    await deps.scheduler.retry(post.id, actor);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw conflict('retry-window-closed', 'The retry window of this post has closed.');
    throw err;
  }
  return post;
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}
