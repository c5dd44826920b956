import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { type WorkflowHandle, WithStartWorkflowOperation } from '@temporalio/client';
import {
  cancelSignal,
  contentUpdatedSignal,
  mediaStatusSignal,
  rescheduleSignal,
  retrySignal,
  statusQuery,
  accountTokensStartOptions,
  accountTokensWorkflow,
  accountTokensWorkflowId,
  disconnectUpdate,
  reconnectedUpdate,
  refreshNowUpdate,
} from '@vibetribe/workflows';
import { Post, SocialAccount } from '@vibetribe/database';
import { tokenFingerprint } from '@vibetribe/activities';
import { createXOAuth } from '@vibetribe/platforms';
import { encryptAccountTokens } from '@vibetribe/runtime';
import { type Harness, startHarness, X_TEST_CLIENT } from './testing/harness';
import { connectThroughOAuth } from './testing/oauth-account';
import { eventually, readRows, sleep } from './testing/expect';
import { attachMedium, setMediumStatus, startMediaFiles } from './testing/media';

// Records the replay fixtures of workflows/src/__fixtures__ (RECORD_FIXTURES=1); skipped otherwise.
const record = process.env.RECORD_FIXTURES === '1' ? describe : describe.skip;
const FIXTURES = join(__dirname, '../../../workflows/src/__fixtures__');
/**
 * Fixture names start with the workflow's one version. When a change to the workflow must keep
 * running histories replaying (after the first release), record a new set beside this one and keep
 * both: the replay test then runs old and new histories against the new code.
 */
const FIXTURE_SET = 'v1';

let h: Harness;
beforeAll(async () => {
  if (process.env.RECORD_FIXTURES === '1') h = await startHarness({ xOAuth: true });
});
afterAll(() => h?.close());

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
  // Formatted by Prettier itself, so the fixtures pass `prettier --check` as recorded.
  const path = join(FIXTURES, `${FIXTURE_SET}-${name}.history.json`);
  writeFileSync(path, historyToJSON(await handle.fetchHistory()));
  execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', path], {
    stdio: 'ignore',
  });
}

record('replay fixtures', () => {
  test('rescheduled, edited, a 503, then published', async () => {
    const seeded = await h.seed({ scheduledAt: new Date(Date.now() + 60_000) });
    const handle = await h.start(seeded, {
      scheduledAt: new Date(Date.now() + 60_000).toISOString(),
      retry: { initialIntervalMs: 200 },
    });
    await handle.signal(contentUpdatedSignal, { version: 1, actor: { type: 'user', id: 'u1' } });
    await handle.signal(rescheduleSignal, {
      scheduledAt: new Date(Date.now() + 1_000).toISOString(),
      version: 1,
    });
    h.emulator.setFaults({ failNext: { status: 503, count: 1 } });
    await save('published-after-retry', handle);
  });

  test('failed, retried by signal, published', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 2 } });
    const handle = await h.start(seeded, {
      retry: { maximumAttempts: 2, initialIntervalMs: 100 },
      retryWindowMs: 60_000,
    });
    while ((await handle.query(statusQuery)).state !== 'failed') await sleep(100);
    await handle.signal(retrySignal, { actor: { type: 'user', id: 'u1' } });
    await save('failed-then-retried', handle);
  });

  test('found moved later in the database as the round began, then published', async () => {
    const due = new Date(Date.now() + 2_000);
    const seeded = await h.seed({ scheduledAt: due });
    const handle = await h.start(seeded, { scheduledAt: due.toISOString() });
    const later = new Date(due.getTime() + 2_000);
    await h.orm.em.fork().nativeUpdate(Post, { id: seeded.postId }, { scheduledAt: later, version: 2 });
    await save('moved-later', handle);
  });

  test('cancelled by an operator during its round, between attempts', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    h.emulator.setFaults({ failNext: { status: 503, count: 1 } });
    const handle = await h.start(seeded, { retry: { initialIntervalMs: 5_000 } });
    while ((await readRows(h.orm, seeded)).target.attempts < 1) await sleep(50);
    await handle.signal(cancelSignal, { reason: 'fixture', actor: { type: 'operator' } });
    await save('cancelled-in-round', handle);
  });

  test('cancelled by a Temporal cancel request (the Web UI) while waiting', async () => {
    const seeded = await h.seed({ scheduledAt: new Date(Date.now() + 60_000) });
    const handle = await h.start(seeded, { scheduledAt: new Date(Date.now() + 60_000).toISOString() });
    await handle.cancel();
    await save('cancel-requested', handle);
  });

  test('rescheduled by an operator (no version: the row follows), refused once, published', async () => {
    const seeded = await h.seed({ scheduledAt: new Date(Date.now() + 60_000) });
    const handle = await h.start(seeded, { scheduledAt: new Date(Date.now() + 60_000).toISOString() });
    await handle.signal(rescheduleSignal, { scheduledAt: '2000-01-01T00:00:00Z' });
    await handle.signal(rescheduleSignal, { scheduledAt: new Date(Date.now() + 1_000).toISOString() });
    await save('operator-rescheduled', handle);
  });

  test('cancelled while waiting', async () => {
    const seeded = await h.seed({ scheduledAt: new Date(Date.now() + 60_000) });
    const handle = await h.start(seeded, { scheduledAt: new Date(Date.now() + 60_000).toISOString() });
    await handle.signal(cancelSignal, { reason: 'fixture' });
    await save('cancelled', handle);
  });

  test('due while its medium processes, woken by mediaStatus, published', async () => {
    const files = await startMediaFiles();
    const seeded = await h.seed({ scheduledAt: null });
    const mediaId = await attachMedium(h.orm, files, seeded, 'processing');
    const handle = await h.start(seeded);
    await eventually(async () =>
      (await handle.query(statusQuery)).targets[0]?.waitingForMedia ? true : undefined,
    );
    await setMediumStatus(h.orm, mediaId, 'ready');
    await handle.signal(mediaStatusSignal, { mediaId, status: 'ready' });
    await save('media-wait', handle);
    files.close();
  });

  test('account tokens: refreshed on request, reconnected, disconnected', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    const oauth = createXOAuth(X_TEST_CLIENT(h.emulator.url));
    const connected = await connectThroughOAuth(h, oauth, seeded, `fx-${seeded.postId.slice(0, 6)}`);
    const account = { accountId: seeded.accountId, organizationId: seeded.organizationId, platform: 'x' };
    const handle = await h.client.workflow.start(
      accountTokensWorkflow,
      accountTokensStartOptions(account, h.taskQueue),
    );
    await handle.executeUpdate(refreshNowUpdate, {
      args: [{ usedTokenFingerprint: tokenFingerprint(connected.tokens.accessToken) }],
    });
    const enc = encryptAccountTokens(h.secrets, seeded.organizationId, seeded.accountId, {
      accessToken: 'fixture-access',
      refreshToken: 'fixture-refresh',
    });
    await handle.executeUpdate(reconnectedUpdate, {
      args: [{ ...enc, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }],
    });
    await handle.executeUpdate(disconnectUpdate);
    await save('account-tokens', handle);
  });

  test('account tokens: a disconnected account connected again by updateWithStart, then disconnected', async () => {
    const seeded = await h.seed({ scheduledAt: null });
    await h.orm.em.fork().nativeUpdate(SocialAccount, { id: seeded.accountId }, { status: 'disconnected' });
    const account = { accountId: seeded.accountId, organizationId: seeded.organizationId, platform: 'x' };
    const enc = encryptAccountTokens(h.secrets, seeded.organizationId, seeded.accountId, {
      accessToken: 'fixture-access',
    });
    await h.client.workflow.executeUpdateWithStart(reconnectedUpdate, {
      args: [{ ...enc, expiresAt: null }],
      startWorkflowOperation: new WithStartWorkflowOperation(
        accountTokensWorkflow,
        accountTokensStartOptions(account, h.taskQueue),
      ),
    });
    const handle = h.client.workflow.getHandle(accountTokensWorkflowId(seeded.accountId));
    await handle.executeUpdate(disconnectUpdate);
    await save('account-tokens-reconnected', handle);
  });
});
