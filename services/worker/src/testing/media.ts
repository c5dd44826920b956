import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Media, type MediaStatus, type MikroORM, Organization, Post } from '@vibetribe/database';
import { imageFixture } from '@vibetribe/testing';
import type { SeededPost } from './seed';

/** A PNG served over HTTP, where the worker downloads a medium from (as from local storage's signed URLs). */
export interface MediaFiles {
  png: Buffer;
  url(name: string): string;
  close(): void;
}

export async function startMediaFiles(): Promise<MediaFiles> {
  const png = await imageFixture('png');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { png, url: (name) => `http://127.0.0.1:${port}/${name}`, close: () => server.close() };
}

/** Attaches one PNG medium in `status` to a seeded post; returns its id. */
export async function attachMedium(
  orm: MikroORM,
  files: MediaFiles,
  seeded: SeededPost,
  status: MediaStatus,
): Promise<string> {
  const em = orm.em.fork();
  const medium = new Media(em.getReference(Organization, seeded.organizationId), {
    kind: 'image',
    mime: 'image/png',
    bytes: files.png.length,
    storage: 'local',
    publicId: `org/${seeded.organizationId}/test/${seeded.postId}.png`,
    url: files.url(`${seeded.postId}.png`),
    sha256: createHash('sha256').update(files.png).digest('hex'),
  });
  Object.assign(medium, {
    status,
    width: 64,
    height: 48,
    error: status === 'failed' ? 'ffprobe: no streams' : null,
  });
  em.persist(medium);
  await em.flush();
  await em.nativeUpdate(Post, { id: seeded.postId }, { mediaIds: [medium.id] });
  return medium.id;
}

/** Sets a medium's processing state, as the media service's job does when it settles. */
export async function setMediumStatus(orm: MikroORM, mediaId: string, status: MediaStatus): Promise<void> {
  await orm.em.fork().nativeUpdate(Media, { id: mediaId }, { status });
}
