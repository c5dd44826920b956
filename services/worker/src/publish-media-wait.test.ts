import { cancelSignal, mediaStatusSignal, statusQuery } from '@vibetribe/workflows';
import type { MediaStatus } from '@vibetribe/database';
import { type Harness, startHarness } from './testing/harness';
import { attachMedium, type MediaFiles, setMediumStatus, startMediaFiles } from './testing/media';
import type { SeededPost } from './testing/seed';
import { eventually, postsOf, readRows, sleep } from './testing/expect';

// A post's media are processed by the media service after upload; a post that falls due before
// they are ready waits for the service's `mediaStatus` signal (up to `mediaWaitMs`), and makes no
// platform call meanwhile.

let h: Harness;
let files: MediaFiles;
beforeAll(async () => {
  h = await startHarness();
  files = await startMediaFiles();
});
afterAll(async () => {
  files?.close();
  await h?.close();
});

/** Seeds an X post with one PNG medium in `status`. */
async function seedWithMedium(status: MediaStatus): Promise<{ seeded: SeededPost; mediaId: string }> {
  const seeded = await h.seed({ scheduledAt: null });
  return { seeded, mediaId: await attachMedium(h.orm, files, seeded, status) };
}

const setStatus = (mediaId: string, status: MediaStatus) => setMediumStatus(h.orm, mediaId, status);

describe('publishing waits for media still processing', () => {
  test('a due post waits with no call, then publishes with its image once the signal says ready', async () => {
    const { seeded, mediaId } = await seedWithMedium('processing');
    const handle = await h.start(seeded, { mediaWaitMs: 60_000 });

    const waiting = await eventually(async () => {
      const s = await handle.query(statusQuery);
      return s.targets[0]?.waitingForMedia ? s : undefined;
    });
    expect(waiting.state).toBe('publishing');
    expect(waiting.targets[0]).toMatchObject({ status: 'pending', waitingForMedia: [mediaId] });
    await sleep(500);
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    const before = await readRows(h.orm, seeded);
    expect(before.post.status).toBe('scheduled');
    expect(before.ledger).toHaveLength(0);
    expect(before.actions).toEqual(['waiting_for_media']);

    await setStatus(mediaId, 'ready');
    await handle.signal(mediaStatusSignal, { mediaId, status: 'ready' });
    const result = await handle.result();
    expect(result.state).toBe('published');
    const [tweet] = postsOf(h.emulator, seeded);
    expect(tweet!.mediaIds).toHaveLength(1);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('published');
    expect(rows.actions).toEqual(['waiting_for_media', 'publishing', 'target_published', 'published']);
  });

  test('a signal for another medium wakes the wait, which goes on while this one still processes', async () => {
    const { seeded, mediaId } = await seedWithMedium('processing');
    const handle = await h.start(seeded, { mediaWaitMs: 60_000 });
    await eventually(async () =>
      (await handle.query(statusQuery)).targets[0]?.waitingForMedia ? true : undefined,
    );
    await handle.signal(mediaStatusSignal, { mediaId: 'some-other-medium', status: 'ready' });
    await sleep(1_000);
    expect((await handle.query(statusQuery)).targets[0]).toMatchObject({ waitingForMedia: [mediaId] });
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    await setStatus(mediaId, 'ready');
    await handle.signal(mediaStatusSignal, { mediaId, status: 'ready' });
    expect((await handle.result()).state).toBe('published');
  });

  test('media still processing past the bound fail the target as media_not_ready, with no call', async () => {
    const { seeded, mediaId } = await seedWithMedium('processing');
    const handle = await h.start(seeded, { mediaWaitMs: 1_500, retryWindowMs: 1_000 });
    const result = await handle.result();
    expect(result.state).toBe('failed');
    expect(result.targets[0]).toMatchObject({ status: 'failed', error: { kind: 'media_not_ready' } });
    expect(result.targets[0]!.error!.message).toContain(mediaId);
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    const rows = await readRows(h.orm, seeded);
    expect(rows.post.status).toBe('failed');
    expect(rows.target.status).toBe('failed');
    expect(rows.target.lastError).toMatchObject({ kind: 'media_not_ready' });
  });

  test('a medium that failed processing fails the target at once, naming the medium and why', async () => {
    const { seeded, mediaId } = await seedWithMedium('failed');
    const handle = await h.start(seeded, { retryWindowMs: 1_000 });
    const result = await handle.result();
    expect(result.state).toBe('failed');
    expect(result.targets[0]).toMatchObject({ status: 'failed', error: { kind: 'media_failed' } });
    expect(result.targets[0]!.error!.message).toBe(
      `medium ${mediaId} failed processing: ffprobe: no streams`,
    );
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    expect((await readRows(h.orm, seeded)).target.lastError).toMatchObject({ kind: 'media_failed' });
  });

  test('a cancel during the wait cancels the post, with no call', async () => {
    const { seeded } = await seedWithMedium('processing');
    const handle = await h.start(seeded, { mediaWaitMs: 60_000 });
    await eventually(async () =>
      (await handle.query(statusQuery)).targets[0]?.waitingForMedia ? true : undefined,
    );
    await handle.signal(cancelSignal, { reason: 'user' });
    const result = await handle.result();
    expect(result.state).toBe('cancelled');
    expect(postsOf(h.emulator, seeded)).toHaveLength(0);
    expect((await readRows(h.orm, seeded)).post.status).toBe('cancelled');
  });
});
