import { WorkflowNotFoundError } from '@temporalio/client';
import {
  enqueueEvents,
  type EntityManager,
  recordPostAudit,
  runStatement,
  statement,
} from '@vibetribe/database';
import {
  type PublishPostInput,
  publishStartOptions,
  publishWorkflowId,
  type SweepInconsistency,
  type SweepRepair,
  type SweepReport,
} from '@vibetribe/workflows';
import { statusEvent } from '../post-rows';
import { type PostRow, readPost } from '../rows';
import type { PeriodicDeps } from './deps';
import { beat } from './heartbeat';

/** The system actor every repair is recorded under. */
const SWEEP_ACTOR = { type: 'system', id: 'stalled-sweep' } as const;

/** Posts that should have a live workflow and have not changed for a while: the sweep's candidates. */
const CANDIDATES = statement(
  'sweep-candidates',
  `select p.id, p.status, p.updated_at as "updatedAt" from posts p
   where p.status in ('scheduled', 'publishing') and p.deleted_at is null
     and p.updated_at < now() - make_interval(secs => ?) and p.id > ?
   order by p.id limit ?`,
);

/** The post failed: it, and every target that had not gone out, with the sweep's reason. */
const MARK_FAILED = statement(
  'sweep-mark-failed',
  `with targets as (
     update post_targets set status = 'failed', updated_at = now(),
       last_error = jsonb_build_object('kind', 'stalled', 'message', ?::text, 'at', now())
     where post_id = ? and status in ('pending', 'publishing')
   )
   update posts set status = 'failed', updated_at = now() where id = ?`,
);

const PAGE = 500;
/** Workflow ids one visibility query names. */
const LIST_CHUNK = 100;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

interface Candidate {
  id: string;
  status: 'scheduled' | 'publishing';
  updatedAt: string | Date;
}

/** The workflow's status name (`RUNNING`, `TERMINATED`, …), or `NOT_FOUND`. */
async function workflowStatus(deps: PeriodicDeps, postId: string): Promise<string> {
  try {
    const d = await deps.temporal.workflow.getHandle(publishWorkflowId(postId)).describe();
    return d.status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
    throw err;
  }
}

/**
 * The workflow ids of `postIds` that visibility lists as running: one list query per 100 posts,
 * instead of a describe per post.
 */
async function listedRunning(deps: PeriodicDeps, postIds: string[]): Promise<Set<string>> {
  const running = new Set<string>();
  for (let i = 0; i < postIds.length; i += LIST_CHUNK) {
    const ids = postIds.slice(i, i + LIST_CHUNK).map((id) => `'${publishWorkflowId(id)}'`);
    const query = `WorkflowId IN (${ids.join(', ')}) AND ExecutionStatus = 'Running'`;
    for await (const wf of deps.temporal.workflow.list({ query })) running.add(wf.workflowId);
  }
  return running;
}

/** What is wrong with a candidate and what to do, or undefined when its row and workflow agree. */
function diagnose(
  c: Candidate,
  status: string,
  boundMs: number,
): { kind: SweepInconsistency; repair: SweepRepair['repair'] } | undefined {
  if (status === 'NOT_FOUND') {
    // A scheduled post whose start was lost is started again; a publishing one has lost its round.
    return { kind: 'workflow_missing', repair: c.status === 'scheduled' ? 'restarted' : 'marked_failed' };
  }
  if (status !== 'RUNNING') return { kind: 'workflow_closed', repair: 'marked_failed' };
  const since = new Date(c.updatedAt).getTime();
  if (c.status === 'publishing' && Date.now() - since > boundMs) {
    return { kind: 'publishing_stalled', repair: 'marked_failed' };
  }
  return undefined;
}

/** The input a post's workflow starts with, rebuilt from its row (as the gateway built it). */
function restartInput(post: PostRow): PublishPostInput {
  return {
    postId: post.id,
    organizationId: post.organizationId,
    scheduledAt: post.scheduledAt?.toISOString() ?? null,
    version: post.version,
    targets: post.targets.map((t) => ({ targetId: t.id, platform: t.platform })),
  };
}

/**
 * Applies one repair on the locked row, if the row is still as the sweep saw it (a workflow that
 * moved it meanwhile wins). The audit entry and the event commit with the change.
 */
async function repair(
  deps: PeriodicDeps,
  c: Candidate,
  found: { kind: SweepInconsistency; repair: SweepRepair['repair'] },
  wfStatus: string,
): Promise<SweepRepair | undefined> {
  const reason =
    found.kind === 'workflow_closed'
      ? `the workflow closed (${wfStatus.toLowerCase()}) while the post was ${c.status}`
      : found.kind === 'publishing_stalled'
        ? `publishing for longer than ${Math.round(deps.settings.publishingBoundMs / 60_000)} min`
        : `no workflow for a ${c.status} post`;
  const done = await deps.orm.em.fork().transactional(async (tx: EntityManager) => {
    const post = await readPost(tx, c.id, true);
    if (!post || post.status !== c.status || post.deletedAt) return undefined;
    const previous = post.status;
    if (found.repair === 'restarted') {
      await deps.temporal.workflow.start(
        'publishPostWorkflow',
        publishStartOptions(restartInput(post), deps.taskQueue),
      );
    } else {
      await runStatement(tx, MARK_FAILED, [reason, post.id, post.id]);
      post.status = 'failed';
      for (const t of post.targets)
        if (t.status === 'pending' || t.status === 'publishing') t.status = 'failed';
    }
    recordPostAudit(tx, post, 'sweep_repaired', SWEEP_ACTOR, {
      kind: found.kind,
      repair: found.repair,
      workflow_status: wfStatus,
      reason,
    });
    await enqueueEvents(tx, [
      statusEvent(post, { previousStatus: previous, reason: `sweep_${found.kind}`, actor: SWEEP_ACTOR }),
    ]);
    return { post };
  });
  if (!done) return undefined;
  return {
    postId: c.id,
    organizationId: done.post.organizationId,
    kind: found.kind,
    repair: found.repair,
    workflowStatus: wfStatus,
  };
}

/**
 * The stalled-post sweep: every scheduled or publishing post is compared with its workflow, and each
 * disagreement is repaired (restart with the same workflow id, or failed with a reason), audited
 * as `sweep_repaired` and announced on `vt.<org>.post.status` with reason `sweep_<kind>`.
 *
 * Visibility only spares work: a post whose workflow it lists as running, and that is not publishing
 * past the bound, is consistent and needs no more. Every other post's workflow is described (the
 * server's own answer, never behind), and only that answer decides a repair. A workflow that closed a
 * moment ago and is still listed as running is found by the next sweep.
 */
export function sweepStalledPosts(deps: PeriodicDeps) {
  return async (): Promise<SweepReport> => {
    const { sweepGraceMs, publishingBoundMs } = deps.settings;
    const repairs: SweepRepair[] = [];
    let checked = 0;
    let described = 0;
    // Pages by id, so every candidate is looked at however many wait far in the future.
    for (let after = NIL_UUID; ;) {
      const page = await runStatement<Candidate>(deps.orm.em.fork(), CANDIDATES, [
        sweepGraceMs / 1000,
        after,
        PAGE,
      ]);
      const running = await listedRunning(
        deps,
        page.map((c) => c.id),
      );
      for (const c of page) {
        if (running.has(publishWorkflowId(c.id)) && !diagnose(c, 'RUNNING', publishingBoundMs)) continue;
        described++;
        const wfStatus = await workflowStatus(deps, c.id);
        const found = diagnose(c, wfStatus, publishingBoundMs);
        const done = found ? await repair(deps, c, found, wfStatus) : undefined;
        if (done) {
          deps.logger.warn(done, 'stalled post repaired');
          repairs.push(done);
        }
      }
      checked += page.length;
      beat({ checked });
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.id;
    }
    return { checked, described, repairs };
  };
}
