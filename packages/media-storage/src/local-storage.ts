import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isMediaKey } from './keys';
import type { MediaUrlSigner } from './signed-urls';
import type { MediaStorage, PutTarget, StoredObject } from './storage';

/** Default lifetime of a signed URL handed to clients and platforms: a day. */
export const DEFAULT_URL_TTL_S = 86_400;

/**
 * Files under one root folder, at their keys (`org/<org>/user/<user>/<yyyy>/<mm>/<dd>/<id>.<ext>`).
 * A file is written under a temporary name and renamed when complete, so a half-written file is never
 * visible and a failed write leaves nothing.
 */
export class LocalStorage implements MediaStorage {
  readonly driver = 'local' as const;
  readonly root: string;

  constructor(
    root: string,
    readonly signer: MediaUrlSigner,
    private readonly defaultTtlS = DEFAULT_URL_TTL_S,
  ) {
    this.root = resolve(root);
  }

  /** The file of a key; refuses anything that is not a key this service makes (no `..`, no absolute paths). */
  pathOf(key: string): string {
    if (!isMediaKey(key)) throw new Error(`not a media key: ${key}`);
    return join(this.root, key);
  }

  async put(source: Readable, target: PutTarget): Promise<StoredObject> {
    const publicId = `${target.key}.${target.ext}`;
    const path = this.pathOf(publicId);
    const partial = `${path}.${randomUUID()}.part`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await pipeline(source, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, path);
      await this.removeStalePartials(path);
    } catch (err) {
      source.destroy();
      await rm(partial, { force: true });
      throw err;
    }
    return { publicId, bytes: (await stat(path)).size };
  }

  /**
   * Partial files of the same key left by a process killed mid-write (a media job is retried after its
   * worker died; its rendition keys are fixed, so the retry finds them).
   */
  private async removeStalePartials(path: string): Promise<void> {
    const prefix = `${basename(path)}.`;
    const names = await readdir(dirname(path));
    await Promise.all(
      names
        .filter((n) => n.startsWith(prefix) && n.endsWith('.part'))
        .map((n) => rm(join(dirname(path), n), { force: true })),
    );
  }

  async remove(publicId: string): Promise<void> {
    await rm(this.pathOf(publicId), { force: true });
  }

  url(
    ref: string,
    _kind: unknown,
    opts: { ttlS?: number; transform?: Parameters<MediaUrlSigner['url']>[2] } = {},
  ): string {
    if (/^https?:\/\//.test(ref)) return ref;
    return this.signer.url(ref, opts.ttlS ?? this.defaultTtlS, opts.transform ?? {});
  }
}
