import { z } from '../../lib/zod';

const count = z.number().int().min(0);

/** Publishing workflows in Temporal's visibility, by execution status. */
export const WorkflowCountsSchema = z
  .object({
    total: count,
    running: count,
    completed: count,
    failed: count,
    canceled: count,
    terminated: count,
    timed_out: count,
    continued_as_new: count,
  })
  .openapi('WorkflowCounts');

/** The Bull media queue's jobs by state (system-wide, so operators only). */
export const MediaQueueCountsSchema = z
  .object({
    waiting: count,
    active: count,
    completed: count,
    failed: count,
    delayed: count,
    oldest_waiting_age_ms: count
      .nullable()
      .openapi({ description: 'How long the oldest waiting job has waited; null when none waits' }),
  })
  .openapi('MediaQueueCounts');

export const QueueStatsSchema = z
  .object({
    scope: z
      .enum(['system', 'organization'])
      .openapi({ description: 'system: every organization (operators); organization: the one named' }),
    organization_id: z.uuid().nullable(),
    workflows: WorkflowCountsSchema,
    posts_due_next_hour: count.openapi({ description: 'Scheduled posts due within the next hour' }),
    media_queue: MediaQueueCountsSchema.nullable().openapi({
      description: 'The media processing queue, system-wide: null unless the caller is a system operator',
    }),
    generated_at: z.string(),
  })
  .openapi('QueueStats');

/** The stats' body as the handler builds it. */
export type QueueStats = z.output<typeof QueueStatsSchema>;
