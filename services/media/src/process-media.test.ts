import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import sharp from 'sharp';
import { MediaStatusChangedSchema, mediaSubject } from '@vibetribe/proto';
import { imageFixture, paddedTo, videoFixture, waitUntil } from '@vibetribe/testing';
import { mediaJobId } from '@vibetribe/media-storage';
import { publishWorkflowId } from '@vibetribe/workflows';
import { INSTAGRAM_MAX_RATIO, INSTAGRAM_MIN_RATIO, X_IMAGE_BYTES } from './renditions';
import { mediaWorld, type MediaWorld } from './testing/world';

let world: MediaWorld;
const events: { mediaId: string; status: string }[] = [];
beforeAll(async () => {
  world = await mediaWorld();
  world.bus.subscribe(mediaSubject(world.organizationId, 'status'), MediaStatusChangedSchema, (e) => {
    events.push({ mediaId: e.mediaId, status: e.status });
  });
  await world.startWorker();
});
afterAll(() => world?.close());

const settled = async (id: string) => {
  await waitUntil(
    async () => (await world.reload(id))?.status !== 'processing',
    30_000,
    `media ${id} settled`,
  );
  return (await world.reload(id))!;
};
const fileOf = (key: string) => world.deps.storage.pathOf(key);

describe('the process-media job on local storage', () => {
  test('an image: dimensions, a thumbnail, X as is, Instagram cropped into 4:5–1.91:1; the event goes out', async () => {
    const tall = await world.addMedia(await imageFixture('png', { width: 300, height: 900 }));
    await world.enqueue(tall);
    const m = await settled(tall.id);
    expect(m).toMatchObject({ status: 'ready', width: 300, height: 900, error: null });
    expect(m.variants.x).toBe(m.publicId);
    const thumb = await sharp(fileOf(m.variants.thumbnail!)).metadata();
    expect(Math.max(thumb.width, thumb.height)).toBe(400);
    const insta = await sharp(fileOf(m.variants.instagram!)).metadata();
    expect(insta.format).toBe('jpeg');
    expect(insta.width / insta.height).toBeCloseTo(INSTAGRAM_MIN_RATIO, 2);
    await waitUntil(
      () => Promise.resolve(events.some((e) => e.mediaId === m.id && e.status === 'ready')),
      5000,
      'event',
    );
  });

  test('an image over 5 MB gets an X rendition under 5 MB; a panorama is cropped to 1.91:1', async () => {
    const big = await world.addMedia(await imageFixture('png', { width: 2400, height: 1000, noise: true }));
    expect(Number(big.bytes)).toBeGreaterThan(X_IMAGE_BYTES);
    await world.enqueue(big);
    const m = await settled(big.id);
    expect(m.variants.x).not.toBe(m.publicId);
    expect(statSync(fileOf(m.variants.x!)).size).toBeLessThanOrEqual(X_IMAGE_BYTES);
    const insta = await sharp(fileOf(m.variants.instagram!)).metadata();
    expect(insta.width / insta.height).toBeCloseTo(INSTAGRAM_MAX_RATIO, 1);
  });

  test('a video: duration, codec, a poster and a thumbnail', async () => {
    const video = await world.addMedia(await videoFixture('mp4', { seconds: 2, width: 320, height: 240 }));
    await world.enqueue(video);
    const m = await settled(video.id);
    expect(m).toMatchObject({ status: 'ready', width: 320, height: 240, codec: 'h264' });
    expect(m.durationS).toBeCloseTo(2, 0);
    expect((await sharp(fileOf(m.variants.poster!)).metadata()).width).toBe(320);
    expect(existsSync(fileOf(m.variants.thumbnail!))).toBe(true);
  });

  test('a corrupt video fails at once with a reason, announced, without retries', async () => {
    const mp4 = await videoFixture('mp4');
    const broken = await world.addMedia(paddedTo(mp4.subarray(0, 64), 4096));
    await world.enqueue(broken);
    const m = await settled(broken.id);
    expect(m.status).toBe('failed');
    expect(m.error).toMatch(/video/);
    await waitUntil(
      () => Promise.resolve(events.some((e) => e.mediaId === m.id && e.status === 'failed')),
      5000,
      'event',
    );
  });

  test('one medium, one job: a second enqueue is ignored', async () => {
    const m = await world.addMedia(await imageFixture('jpeg'));
    await world.enqueue(m);
    await world.enqueue(m);
    expect((await settled(m.id)).status).toBe('ready');
    const jobs = await world.queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'failed']);
    expect(jobs.filter((j) => j.data.mediaId === m.id).map((j) => [j.id, j.returnvalue])).toEqual([
      [mediaJobId(m.id), 'ready'],
    ]);
  });

  test('signals the workflow of every post that uses the medium; a post without one is skipped', async () => {
    const m = await world.addMedia(await imageFixture('png'));
    const waiting = await world.addPost([m.id]);
    const noWorkflow = await world.addPost([m.id]);
    const handle = await world.deps.temporal.workflow.start('publishPostWorkflow', {
      workflowId: publishWorkflowId(waiting),
      taskQueue: `media-test-${randomUUID()}`,
      args: [],
    });
    try {
      await world.enqueue(m);
      await settled(m.id);
      await waitUntil(
        async () => {
          const history = await handle.fetchHistory();
          return history.events!.some(
            (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'mediaStatus',
          );
        },
        10_000,
        'mediaStatus signal',
      );
      // The post without a workflow did not stop the job (WorkflowNotFound is skipped).
      expect((await world.reload(m.id))?.status).toBe('ready');
      expect(noWorkflow).not.toBe(waiting);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
});
