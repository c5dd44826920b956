import Router from '@koa/router';
import { ScheduleNotFoundError } from '@temporalio/client';
import { PERIODIC_JOB_NAMES, type PeriodicJobName, periodicScheduleId } from '@vibetribe/workflows';
import type { AppState, GatewayDeps } from '../../context';
import { dependencyUnavailable, notFound, Problem } from '../../errors';
import { routeGroup } from '../../lib/api';
import { withDeadline } from '../../lib/deadline';
import { requireOperator } from '../../lib/operator';
import { latestHealth } from './health';
import { JobParams, JobTriggeredSchema, SystemHealthSchema } from './schema';

const isJob = (name: string): name is PeriodicJobName => PERIODIC_JOB_NAMES.includes(name as PeriodicJobName);

/** `/system`: the latest health check and the periodic jobs' triggers, for system operators only. */
export function systemRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/system' });
  const route = routeGroup(router, '/api/v1/system');
  const tags = ['operations'];
  const { temporal } = deps.ops;
  const deadlineMs = deps.env.TEMPORAL_DEADLINE_MS;
  /** A Temporal call within the deadline; a missing schedule is 404, anything else 503. */
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    withDeadline(temporal.withDeadline(Date.now() + deadlineMs, fn), deadlineMs, what).catch(
      (err: unknown) => {
        if (err instanceof Problem) throw err;
        if (err instanceof ScheduleNotFoundError) throw notFound('The schedule');
        throw dependencyUnavailable('temporal');
      },
    );

  route({
    method: 'get',
    path: '/health',
    summary:
      "The latest health check's report (operators): pollers, dependencies, publish backlog, and its age",
    tags,
    auth: true,
    responses: {
      200: { description: 'The newest completed health check', schema: SystemHealthSchema },
      403: { description: 'Not a system operator' },
    },
    handler: async (ctx) => {
      await requireOperator(ctx, deps);
      const latest = await call('health report', () => latestHealth(deps.ops));
      if (!latest) throw notFound('A completed health check');
      const { report } = latest;
      ctx.body = {
        ok: report.ok,
        checked_at: report.checkedAt,
        age_s: Math.max(0, Math.round((Date.now() - Date.parse(report.checkedAt)) / 1000)),
        schedule_id: latest.scheduleId,
        workflow_id: latest.workflowId,
        run_id: latest.runId,
        checks: report.checks.map((c) => ({
          name: c.name,
          ok: c.ok,
          detail: c.detail,
          latency_ms: c.latencyMs ?? null,
        })),
      };
    },
  });

  route({
    method: 'post',
    path: '/jobs/:name/trigger',
    summary:
      'Run a periodic job now (operators), as `temporal schedule trigger` does: analytics-sync, stalled-sweep, cleanup, health-check',
    tags,
    auth: true,
    request: { params: JobParams },
    responses: {
      202: {
        description: "Triggered; the run shows in the schedule's recent actions",
        schema: JobTriggeredSchema,
      },
      403: { description: 'Not a system operator' },
    },
    handler: async (ctx) => {
      await requireOperator(ctx, deps);
      const { name } = ctx.state.input.params;
      if (!isJob(name)) throw notFound('Periodic job');
      const scheduleId = periodicScheduleId(name, deps.ops.schedulePrefix);
      await call('schedule trigger', () => temporal.schedule.getHandle(scheduleId).trigger());
      ctx.status = 202;
      ctx.body = { job: name, schedule_id: scheduleId, triggered_at: new Date().toISOString() };
    },
  });
  return router;
}
