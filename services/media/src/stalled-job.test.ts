import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MediaStatusChangedSchema, mediaSubject } from '@vibetribe/proto';
import { renditionKey, mediaJobId } from '@vibetribe/media-storage';
import { imageFixture, waitUntil } from '@vibetribe/testing';
import { mediaWorld, type MediaWorld } from './testing/world';

let world: MediaWorld;
let child: ChildProcess | undefined;
beforeAll(async () => {
  world = await mediaWorld();
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await world?.close();
});

test('a processing job killed half-way is retried and completes once', async () => {
  const events: string[] = [];
  world.bus.subscribe(mediaSubject(world.organizationId, 'status'), MediaStatusChangedSchema, (e) => {
    events.push(`${e.mediaId}:${e.status}`);
  });
  // Slow enough to kill mid-way: the renditions of a large incompressible image take seconds.
  const m = await world.addMedia(await imageFixture('png', { width: 2400, height: 1000, noise: true }));
  await world.enqueue(m);
  child = fork(join(__dirname, '..', 'dist', 'main.js'), [], {
    env: {
      ...process.env,
      MEDIA_STORAGE_DIR: world.env.MEDIA_STORAGE_DIR,
      MEDIA_QUEUE_PREFIX: world.env.MEDIA_QUEUE_PREFIX,
      MEDIA_LOCK_MS: String(world.env.MEDIA_LOCK_MS),
      MEDIA_STALLED_INTERVAL_MS: String(world.env.MEDIA_STALLED_INTERVAL_MS),
      MEDIA_PORT: '0',
      MEDIA_CONCURRENCY: '1',
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const thumbnail = world.deps.storage.pathOf(renditionKey(m.publicId, 'thumbnail', 'jpg'));
  await waitUntil(
    () => Promise.resolve(readdirSync(dirname(thumbnail)).some((f) => f.includes('-thumbnail.jpg'))),
    30_000,
    'first rendition',
  );
  child.kill('SIGKILL');
  await new Promise((r) => child!.once('exit', r));
  expect((await world.reload(m.id))?.status).toBe('processing');

  // Another worker takes the stalled job once its lock lapses (2 s here) and finishes it.
  await world.startWorker();
  await waitUntil(
    async () => (await world.reload(m.id))?.status === 'ready',
    40_000,
    'ready after the retry',
  );
  // The row commits before Bull records the job's end: read the job once it is completed.
  const completed = async () =>
    (await (await world.queue.getJob(mediaJobId(m.id)))?.getState()) === 'completed';
  await waitUntil(completed, 10_000, 'the job completed');
  const job = await world.queue.getJob(mediaJobId(m.id));
  expect(job?.returnvalue).toBe('ready');
  await waitUntil(() => Promise.resolve(events.includes(`${m.id}:ready`)), 5000, 'event');
  expect(events.filter((e) => e.startsWith(m.id))).toEqual([`${m.id}:ready`]);
  // Every rendition once, nothing half-written left behind by the killed worker.
  const files = readdirSync(dirname(thumbnail)).filter((f) => f.startsWith(m.id));
  expect(files.sort()).toEqual([
    `${m.id}-instagram.jpg`,
    `${m.id}-thumbnail.jpg`,
    `${m.id}-x.jpg`,
    `${m.id}.png`,
  ]);
}, 90_000);
