import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { testTokenConfig } from '@vibetribe/testing';
import { PUBLISHING_TASK_QUEUE, publishWorkflowId } from '@vibetribe/workflows';
import { buildDeps } from '../deps';
import { gatewayEnv } from '../env';

const keys = testTokenConfig();
const env = (extra: Record<string, string> = {}) =>
  gatewayEnv({ ...process.env, JWT_PRIVATE_KEY: keys.privateKey, JWT_PUBLIC_KEY: keys.publicKey, ...extra });

describe('TEMPORAL_TASK_QUEUE', () => {
  test("the gateway's env reads it, with the worker's default", () => {
    const { TEMPORAL_TASK_QUEUE: _unset, ...rest } = process.env;
    expect(
      gatewayEnv({ ...rest, JWT_PRIVATE_KEY: keys.privateKey, JWT_PUBLIC_KEY: keys.publicKey }),
    ).toMatchObject({ TEMPORAL_TASK_QUEUE: PUBLISHING_TASK_QUEUE });
    expect(PUBLISHING_TASK_QUEUE).toBe('vibetribe-publishing');
    expect(env({ TEMPORAL_TASK_QUEUE: 'elsewhere' }).TEMPORAL_TASK_QUEUE).toBe('elsewhere');
    expect(() => env({ TEMPORAL_TASK_QUEUE: '' })).toThrow(/TEMPORAL_TASK_QUEUE/);
  });

  test("the scheduler buildDeps wires starts the post's workflow on it, with MEDIA_WAIT_MS", async () => {
    const taskQueue = `queue-${randomUUID()}`;
    const deps = await buildDeps(env({ TEMPORAL_TASK_QUEUE: taskQueue, MEDIA_WAIT_MS: '120000' }));
    const connection = await Connection.connect({ address: deps.env.TEMPORAL_ADDRESS });
    const client = new Client({ connection, namespace: deps.env.TEMPORAL_NAMESPACE });
    const postId = randomUUID();
    const handle = client.workflow.getHandle(publishWorkflowId(postId));
    try {
      await deps.scheduler.schedule({
        postId,
        organizationId: randomUUID(),
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
        version: 1,
        targets: [],
      });
      // No worker polls this queue: the workflow waits there, where a worker started with the same
      // TEMPORAL_TASK_QUEUE would pick it up.
      expect((await handle.describe()).taskQueue).toBe(taskQueue);
      const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      const { payloadConverter } = client.options.loadedDataConverter;
      const input = payloadConverter.fromPayload(started!.input!.payloads![0]!);
      expect(input).toMatchObject({ postId, mediaWaitMs: 120_000 });
    } finally {
      await handle.terminate('test over').catch(() => undefined);
      await connection.close();
      await deps.close();
    }
  });
});
