import { z } from '../../lib/zod';

/** One component's health, as the health check measured it. */
const HealthCheckItemSchema = z.object({
  name: z
    .string()
    .openapi({ description: 'pollers:<task queue>, postgres, nats, redis, storage, publish_backlog' }),
  ok: z.boolean(),
  detail: z.string(),
  latency_ms: z.number().int().nullable(),
});

export const SystemHealthSchema = z
  .object({
    ok: z.boolean(),
    checked_at: z.string(),
    age_s: z.number().int().min(0).openapi({ description: 'Seconds since the check ran' }),
    schedule_id: z.string(),
    workflow_id: z.string(),
    run_id: z.string(),
    checks: z.array(HealthCheckItemSchema),
  })
  .openapi('SystemHealth');

// A string rather than an enum: an unknown job is a 404 problem, like any other unknown resource.
export const JobParams = z.strictObject({
  name: z.string().max(64).openapi({
    description: 'analytics-sync, stalled-sweep, cleanup or health-check',
    example: 'health-check',
  }),
});

export const JobTriggeredSchema = z
  .object({ job: z.string(), schedule_id: z.string(), triggered_at: z.string() })
  .openapi('JobTriggered');
