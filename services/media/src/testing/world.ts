import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import type { Queue } from 'bull';
import pino from 'pino';
import {
  initOrm,
  Media,
  type MikroORM,
  Organization,
  Post,
  startOutboxRelay,
  User,
} from '@vibetribe/database';
import {
  createMediaQueue,
  createMediaStorage,
  enqueueMedia,
  type LocalStorage,
  mediaKey,
  type ProcessMediaJob,
  sniffMediaType,
} from '@vibetribe/media-storage';
import { connectEventBus, type EventBus } from '@vibetribe/proto';
import { mediaEnv, type MediaEnv } from '../env';
import type { ProcessDeps } from '../process-media';
import { startMediaWorker } from '../worker';

/** A media service's dependencies for one test file: its own storage folder and queue prefix, the real stack. */
export interface MediaWorld {
  env: Readonly<MediaEnv>;
  deps: ProcessDeps & { storage: LocalStorage };
  orm: MikroORM;
  bus: EventBus;
  organizationId: string;
  userId: string;
  /** Stores `bytes` as an upload would and writes its row (status processing). */
  addMedia(bytes: Buffer, name?: string): Promise<Media>;
  /** A scheduled post using `mediaIds`. */
  addPost(mediaIds: string[]): Promise<string>;
  /** The queue as the gateway holds it (producer only). */
  queue: Queue<ProcessMediaJob>;
  /** Enqueues jobs as the gateway does. */
  enqueue(...media: Media[]): Promise<void>;
  startWorker(): Promise<Awaited<ReturnType<typeof startMediaWorker>>>;
  /** The row as it is now. */
  reload(id: string): Promise<Media | null>;
  close(): Promise<void>;
}

export async function mediaWorld(overrides: Record<string, string> = {}): Promise<MediaWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'vt-media-svc-'));
  const env = mediaEnv({
    ...process.env,
    MEDIA_STORAGE_DIR: dir,
    MEDIA_QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    MEDIA_LOCK_MS: '2000',
    MEDIA_STALLED_INTERVAL_MS: '1000',
    ...overrides,
  });
  const orm = await initOrm(env.DATABASE_URL);
  const bus = await connectEventBus({ servers: env.NATS_URL, name: 'media-test' });
  // A relay candidate, as in the services: the media events reach NATS through the outbox.
  const relay = startOutboxRelay({
    orm,
    publish: (e) => bus.publishStored(e),
    logger: pino({ level: 'silent' }),
  });
  const connection = Connection.lazy({ address: env.TEMPORAL_ADDRESS, connectTimeout: 2000 });
  const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const storage = createMediaStorage(env) as LocalStorage;
  const deps = {
    orm,
    storage,
    temporal,
    logger: pino({ level: 'silent' }),
    ffprobe: env.FFPROBE_PATH,
    ffmpeg: env.FFMPEG_PATH,
  };
  const tag = randomUUID().slice(0, 8);
  const em = orm.em.fork();
  const org = new Organization(`Org ${tag}`, `org-${tag}`);
  const user = new User(`media-${tag}@example.test`, `User ${tag}`, 'not-a-real-hash');
  await em.persistAndFlush([org, user]);
  const queues: { close(): Promise<void> }[] = [];
  const producer = createMediaQueue(env.REDIS_URL, { prefix: env.MEDIA_QUEUE_PREFIX });
  await producer.isReady();
  return {
    env,
    deps,
    orm,
    bus,
    organizationId: org.id,
    userId: user.id,
    async addMedia(bytes) {
      const type = (await sniffMediaType(bytes))!;
      const id = randomUUID();
      const key = mediaKey({ organizationId: org.id, userId: user.id, mediaId: id });
      const stored = await storage.put(Readable.from([bytes]), {
        key,
        ext: type.ext,
        mime: type.mime,
        kind: type.kind,
      });
      const fork = orm.em.fork();
      const m = new Media(fork.getReference(Organization, org.id), {
        kind: type.kind,
        mime: type.mime,
        bytes: bytes.length,
        storage: 'local',
        publicId: stored.publicId,
        url: storage.url(stored.publicId, type.kind),
        sha256: 'test',
      });
      m.id = id;
      await fork.persistAndFlush(m);
      return m;
    },
    async addPost(mediaIds) {
      const fork = orm.em.fork();
      const post = new Post(fork.getReference(Organization, org.id), null, 'with media');
      post.mediaIds = mediaIds;
      post.status = 'scheduled';
      post.scheduledAt = new Date(Date.now() + 3_600_000);
      await fork.persistAndFlush(post);
      return post.id;
    },
    queue: producer,
    enqueue: (...media) =>
      enqueueMedia(
        producer,
        media.map((m) => ({ mediaId: m.id, organizationId: org.id })),
      ),
    async startWorker() {
      const queue = await startMediaWorker(deps, {
        redisUrl: env.REDIS_URL,
        prefix: env.MEDIA_QUEUE_PREFIX,
        concurrency: 2,
        lockDurationMs: env.MEDIA_LOCK_MS,
        stalledIntervalMs: env.MEDIA_STALLED_INTERVAL_MS,
      });
      queues.push(queue);
      return queue;
    },
    reload: (id) => orm.em.fork().findOne(Media, id),
    async close() {
      for (const q of queues) await q.close().catch(() => undefined);
      await producer.obliterate({ force: true }).catch(() => undefined);
      await producer.close().catch(() => undefined);
      await orm.em.fork().nativeDelete(Organization, { id: org.id });
      await orm.em.fork().nativeDelete(User, { id: user.id });
      await relay.stop();
      await bus.close();
      await connection.close();
      await orm.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
