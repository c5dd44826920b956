import { temporal } from '@temporalio/proto';
import { enqueueEvents, runStatement, statement } from '@vibetribe/database';
import { create, eventRecord, HealthCheckedSchema, opsSubject, timestampFromDate } from '@vibetribe/proto';
import type { HealthCheckItem, HealthReport } from '@vibetribe/workflows';
import type { PeriodicDeps } from './deps';

/** Each probe's bound: a dependency slower than this is as good as down for a health check. */
const PROBE_TIMEOUT_MS = 2_000;

const { TaskQueueType } = temporal.api.enums.v1;

/** The oldest post that is due and still waits to publish, and how many wait. */
const BACKLOG = statement(
  'health-publish-backlog',
  `select count(*)::int as due, min(scheduled_at) as oldest from posts
   where status = 'scheduled' and deleted_at is null and scheduled_at < now()`,
);

/** Runs one probe within the bound; what it resolves with is the detail. */
async function probe(name: string, run: () => Promise<string>): Promise<HealthCheckItem> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    const detail = await Promise.race([run(), timeout]);
    return { name, ok: true, detail, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { name, ok: false, detail, latencyMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** The pollers of one task queue, workflow and activity side: both must have some. */
async function pollers(deps: PeriodicDeps, taskQueue: string): Promise<string> {
  const count = async (type: number) => {
    const res = await deps.temporal.workflowService.describeTaskQueue({
      namespace: deps.temporal.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: type,
    });
    return res.pollers?.length ?? 0;
  };
  const [workflow, activity] = await Promise.all([
    count(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
    count(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
  ]);
  const detail = `${workflow} workflow, ${activity} activity pollers`;
  if (workflow === 0 || activity === 0) throw new Error(detail);
  return detail;
}

/** The age of the publish backlog: due posts that no workflow has started publishing. */
async function backlog(deps: PeriodicDeps): Promise<string> {
  const [row] = await runStatement<{ due: number; oldest: string | Date | null }>(
    deps.orm.em.fork(),
    BACKLOG,
  );
  const ageMs = row?.oldest ? Date.now() - new Date(row.oldest).getTime() : 0;
  const detail = `${row?.due ?? 0} due, oldest waiting ${Math.round(ageMs / 1000)} s`;
  if (ageMs > deps.settings.backlogMaxAgeMs) throw new Error(detail);
  return detail;
}

/**
 * The health check: pollers on every task queue, each dependency reached, the publish backlog's
 * age. The report is the workflow's result (what `GET /system/health` shows) and goes out on
 * `vt.system.ops.health`.
 */
export function checkHealth(deps: PeriodicDeps) {
  return async (): Promise<HealthReport> => {
    const { mediaJobs, mediaFiles } = deps;
    const checks = await Promise.all([
      ...deps.settings.taskQueues.map((q) => probe(`pollers:${q}`, () => pollers(deps, q))),
      probe('postgres', async () => {
        await deps.orm.em.getConnection().execute('select 1');
        return 'answered';
      }),
      probe('nats', async () => `rtt ${await deps.bus.nc.rtt()} ms`),
      ...(mediaJobs ? [probe('redis', async () => `ping ${await mediaJobs.client.ping()}`)] : []),
      ...(mediaFiles ? [probe('storage', () => mediaFiles.probe().then(() => 'reachable'))] : []),
      probe('publish_backlog', () => backlog(deps)),
    ]);
    const report: HealthReport = {
      ok: checks.every((c) => c.ok),
      checkedAt: new Date().toISOString(),
      checks,
    };
    try {
      // Through the outbox like every event: a report made while NATS is down goes out once it is back.
      const event = eventRecord(
        opsSubject('health'),
        HealthCheckedSchema,
        create(HealthCheckedSchema, {
          ok: report.ok,
          checkedAt: timestampFromDate(new Date(report.checkedAt)),
          components: checks.map((c) => ({ ...c, latencyMs: c.latencyMs ?? 0 })),
        }),
      );
      await enqueueEvents(deps.orm.em.fork(), [event]);
    } catch (err) {
      // PostgreSQL down is one of the things the report says; the run still returns its result.
      deps.logger.warn({ err }, 'health event not written');
    }
    if (!report.ok) deps.logger.warn({ failing: checks.filter((c) => !c.ok) }, 'health check failing');
    return report;
  };
}
