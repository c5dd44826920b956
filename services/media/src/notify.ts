import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import {
  type EntityManager,
  type Media,
  type OutboxEvent,
  runStatement,
  statement,
  WORKFLOW_POST_STATUSES,
} from '@vibetribe/database';
import type { MediaStorage } from '@vibetribe/media-storage';
import {
  create,
  eventRecord,
  MediaStatusChangedSchema,
  mediaSubject,
  timestampFromDate,
} from '@vibetribe/proto';
import { mediaStatusSignal, publishWorkflowId } from '@vibetribe/workflows';

/** Posts whose workflow may be waiting for a medium: not deleted, in a status a workflow runs in. */
const POSTS_WAITING_FOR = statement(
  'posts-waiting-for-media',
  `SELECT id FROM posts WHERE media_ids @> jsonb_build_array(?::text) AND deleted_at IS NULL AND status = ANY(?)`,
);

/** `vt.<org>.media.status` (realtime: `media-status-update`), for the outbox: written with the change. */
export function mediaStatusEvent(storage: MediaStorage, m: Media): OutboxEvent {
  const thumbnail = m.variants.thumbnail ?? m.variants.poster;
  return eventRecord(
    mediaSubject(m.organization.id, 'status'),
    MediaStatusChangedSchema,
    create(MediaStatusChangedSchema, {
      mediaId: m.id,
      organizationId: m.organization.id,
      status: m.status,
      kind: m.kind,
      url: storage.url(m.publicId, m.kind),
      error: m.error ?? '',
      occurredAt: timestampFromDate(m.processedAt ?? new Date()),
      thumbnailUrl: thumbnail ? storage.url(thumbnail, 'image') : '',
      width: m.width ?? 0,
      height: m.height ?? 0,
      durationS: m.durationS ?? 0,
    }),
  );
}

/**
 * Signals `mediaStatus` to the workflow of every post that uses the medium. A post without a running
 * workflow (closed, or never started) is skipped; the workflow re-reads the medium when due anyway.
 */
export async function signalWorkflows(em: EntityManager, temporal: Client, m: Media): Promise<number> {
  if (m.status === 'processing') return 0;
  const posts = await runStatement<{ id: string }>(em, POSTS_WAITING_FOR, [
    m.id,
    [...WORKFLOW_POST_STATUSES],
  ]);
  let signalled = 0;
  for (const { id } of posts) {
    try {
      await temporal.workflow
        .getHandle(publishWorkflowId(id))
        .signal(mediaStatusSignal, { mediaId: m.id, status: m.status });
      signalled++;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return signalled;
}
