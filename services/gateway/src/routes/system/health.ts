import type { Client } from '@temporalio/client';
import { type HealthReport, periodicScheduleId } from '@vibetribe/workflows';
import type { OpsDeps } from '../../context';

/** The latest completed health check: its report and the run that made it. */
export interface LatestHealth {
  scheduleId: string;
  workflowId: string;
  runId: string;
  report: HealthReport;
}

/**
 * Reads the newest completed run of the health-check schedule (newest first among its recent
 * actions: a run still in flight, or one that failed, is passed over) and its result, which is the
 * report. Null when no run has completed yet; throws `ScheduleNotFoundError` when the schedule is missing.
 */
export async function latestHealth(ops: OpsDeps): Promise<LatestHealth | null> {
  const client: Client = ops.temporal;
  const scheduleId = periodicScheduleId('health-check', ops.schedulePrefix);
  const { info } = await client.schedule.getHandle(scheduleId).describe();
  for (const action of [...info.recentActions].reverse()) {
    const { workflowId, firstExecutionRunId: runId } = action.action.workflow;
    const handle = client.workflow.getHandle(workflowId, runId);
    const run = await handle.describe();
    if (run.status.name !== 'COMPLETED') continue;
    return { scheduleId, workflowId, runId, report: (await handle.result()) as HealthReport };
  }
  return null;
}
