import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '@vibetribe/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { PublishActivities, RecordOutcomeInput } from './publish-post.activities';
import { retrySignal, statusQuery } from './publish-post.contract';
import { publishPostWorkflow } from './publish-post';
import { SEARCH_ATTRIBUTE_KEYS } from './search-attributes';

// Multi-day waits only: these run on the time-skipping test server with stub activities.
const DAY = 24 * 60 * 60 * 1000;
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await createTimeSkippingEnv(SEARCH_ATTRIBUTE_KEYS);
});
afterAll(() => env?.teardown());

/** Stub activities: one X target whose publish fails (finally) until `failuresLeft` runs out. */
function stubActivities(failuresLeft: number) {
  const rounds: RecordOutcomeInput[] = [];
  const target = { targetId: 't1', platform: 'x' };
  const activities: PublishActivities = {
    publishTarget: () => {
      if (failuresLeft-- > 0) {
        return Promise.reject(
          ApplicationFailure.create({ type: 'PermanentError', message: 'X said no', nonRetryable: true }),
        );
      }
      return Promise.resolve({
        kind: 'published',
        targetId: 't1',
        platformPostId: '1',
        url: 'https://x.com/i/web/status/1',
        reused: false,
        attempts: 1,
      });
    },
    recordOutcome: (input) => {
      rounds.push(input);
      const failed = input.results.some((r) => r.kind === 'failed');
      return Promise.resolve({
        status: failed ? 'failed' : 'published',
        version: 1,
        targets: [{ ...target, status: failed ? 'failed' : 'published', attempts: rounds.length }],
      });
    },
    markCancelled: () => Promise.resolve({ status: 'cancelled' }),
    reschedulePost: () => Promise.resolve({ applied: false, reason: 'not in this test' }),
  };
  return { activities, rounds };
}

async function run<T>(activities: PublishActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

const input = {
  postId: 'p1',
  organizationId: 'o1',
  scheduledAt: null,
  version: 1,
  targets: [{ targetId: 't1', platform: 'x' }],
};

describe('publishPostWorkflow retry window (time-skipping)', () => {
  test('a failed post closes when its 7-day retry window passes without a retry', async () => {
    const { activities, rounds } = stubActivities(1);
    const { result, waitedMs } = await run(activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(publishPostWorkflow, {
        taskQueue,
        workflowId: randomUUID(),
        args: [input],
      });
      const result = await handle.result();
      const { startTime, closeTime } = await handle.describe();
      return { result, waitedMs: (closeTime?.getTime() ?? 0) - startTime.getTime() };
    });
    expect(result.state).toBe('failed');
    expect(rounds).toHaveLength(1);
    expect(waitedMs).toBeGreaterThanOrEqual(7 * DAY);
    expect(waitedMs).toBeLessThan(7 * DAY + 60_000);
  });

  test('a retry on day 6 publishes the failed target again', async () => {
    const { activities, rounds } = stubActivities(1);
    const result = await run(activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(publishPostWorkflow, {
        taskQueue,
        workflowId: randomUUID(),
        args: [input],
      });
      await env.sleep(6 * DAY);
      expect((await handle.query(statusQuery)).state).toBe('failed');
      await handle.signal(retrySignal, { actor: { type: 'user', id: 'u1' } });
      return handle.result();
    });
    expect(result.state).toBe('published');
    expect(rounds.map((r) => r.round)).toEqual([1, 2]);
  });
});
