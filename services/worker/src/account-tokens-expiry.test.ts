import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createXOAuth, type PlatformOAuth } from '@vibetribe/platforms';
import { createLogger } from '@vibetribe/runtime';
import { createTimeSkippingEnv } from '@vibetribe/testing';
import {
  accountTokensStartOptions,
  accountTokensStatusQuery,
  accountTokensWorkflow,
  disconnectUpdate,
  SEARCH_ATTRIBUTE_KEYS,
} from '@vibetribe/workflows';
import { type Harness, startHarness, X_TEST_CLIENT } from './testing/harness';
import { connectThroughOAuth, storedTokens } from './testing/oauth-account';
import { createPublishingWorker } from './worker';

// Refresh ahead of expiry, on the time-skipping test server: the workflow sleeps until ten minutes
// before the token expires (X's last two hours), then refreshes through the real activities against
// the real database and the X emulator's OAuth.

let h: Harness;
let oauth: PlatformOAuth;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `tokens-ts-${randomUUID()}`;
beforeAll(async () => {
  h = await startHarness({ worker: false });
  oauth = createXOAuth(X_TEST_CLIENT(h.emulator.url));
  env = await createTimeSkippingEnv(SEARCH_ATTRIBUTE_KEYS);
  worker = await createPublishingWorker(
    {
      connection: env.nativeConnection,
      activities: {
        orm: h.orm,
        connectors: {},
        oauth: { x: oauth },
        secrets: h.secrets,
        logger: createLogger('tokens-test', 'silent'),
      },
    },
    { taskQueue },
  );
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await h?.close();
});

test('a token is refreshed ahead of its expiry, and stored encrypted', async () => {
  const seeded = await h.seed({ scheduledAt: null });
  const connected = await connectThroughOAuth(h, oauth, seeded, `exp-${seeded.postId.slice(0, 6)}`);
  const handle = await env.client.workflow.start(
    accountTokensWorkflow,
    accountTokensStartOptions(
      { accountId: seeded.accountId, organizationId: seeded.organizationId, platform: 'x' },
      taskQueue,
    ),
  );

  await env.sleep('1h');
  expect(await handle.query(accountTokensStatusQuery)).toEqual({ refreshes: 0, state: 'watching' });
  expect((await storedTokens(h, seeded)).accessToken).toBe(connected.tokens.accessToken);

  // Past two hours less the margin: refreshed once, before the token expired.
  await env.sleep('55m');
  expect(await handle.query(accountTokensStatusQuery)).toEqual({ refreshes: 1, state: 'watching' });
  const stored = await storedTokens(h, seeded);
  expect(stored.status).toBe('connected');
  expect(stored.accessToken).not.toBe(connected.tokens.accessToken);
  expect(stored.refreshToken).not.toBe(connected.tokens.refreshToken);
  // The platform takes the new token.
  await expect(
    oauth.refresh({
      externalId: connected.externalId,
      accessToken: stored.accessToken,
      refreshToken: stored.refreshToken,
    }),
  ).resolves.toMatchObject({ accessToken: expect.any(String) });

  await handle.executeUpdate(disconnectUpdate);
  await handle.result();
});
