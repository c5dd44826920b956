import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { cloudinaryError } from './cloudinary-form';
import { probeImage, probeVideo } from './cloudinary-probe';
import type { CloudinaryAsset } from './cloudinary-types';

/** A chunked upload in progress: the bytes so far, appended in order. */
interface Pending {
  path: string;
  received: number;
  parts: number;
}

/** The emulator's assets and the chunked uploads in progress, with their bytes in a temporary folder. */
export class AssetStore {
  readonly assets = new Map<string, CloudinaryAsset>();
  private readonly pending = new Map<string, Pending>();

  constructor(readonly dir: string) {}

  private key(resourceType: string, publicId: string): string {
    return `${resourceType}/${publicId}`;
  }

  get(resourceType: string, publicId: string): CloudinaryAsset | undefined {
    return this.assets.get(this.key(resourceType, publicId));
  }

  /**
   * Adds one chunk (`Content-Range: bytes start-end/total`, total -1 until the last) to the upload
   * `uploadId`; resolves with the whole file once the last chunk is in, else undefined.
   */
  async appendChunk(
    uploadId: string,
    range: string,
    part: { path: string; bytes: number },
    minChunkBytes: number,
  ): Promise<{ path: string; parts: number } | undefined> {
    const m = /^bytes (\d+)-(\d+)\/(-1|\d+)$/.exec(range);
    if (!m) throw cloudinaryError(400, `Invalid Content-Range: ${range}`);
    const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const last = total !== -1;
    if (end - start + 1 !== part.bytes)
      throw cloudinaryError(400, 'Content-Range does not match the chunk size');
    if (!last && part.bytes < minChunkBytes)
      throw cloudinaryError(400, `Chunk size must be at least ${minChunkBytes} bytes`);
    const upload = this.pending.get(uploadId) ?? {
      path: join(this.dir, `upload-${randomUUID()}`),
      received: 0,
      parts: 0,
    };
    if (start !== upload.received)
      throw cloudinaryError(400, `Chunk starts at ${start}, expected ${upload.received}`);
    await pipeline(createReadStream(part.path), createWriteStream(upload.path, { flags: 'a' }));
    upload.received += part.bytes;
    upload.parts++;
    this.pending.set(uploadId, upload);
    if (!last) return undefined;
    this.pending.delete(uploadId);
    if (upload.received !== total)
      throw cloudinaryError(400, `Received ${upload.received} bytes of ${total}`);
    return { path: upload.path, parts: upload.parts };
  }

  /** Stores a complete file as an asset, measured as Cloudinary would; an existing one is kept unless `overwrite`. */
  async store(
    file: { path: string; parts: number },
    opts: { resourceType: string; publicId?: string; overwrite: boolean },
  ): Promise<{ asset: CloudinaryAsset; existing: boolean }> {
    const publicId = opts.publicId ?? randomBytes(10).toString('hex');
    const requested = opts.resourceType === 'auto' ? undefined : opts.resourceType;
    const existing =
      this.assets.get(this.key(requested ?? 'image', publicId)) ??
      this.assets.get(this.key(requested ?? 'video', publicId));
    if (existing && !opts.overwrite) {
      await rm(file.path, { force: true });
      return { asset: existing, existing: true };
    }
    const probed =
      requested === 'video'
        ? await probeVideo(file.path)
        : requested === 'image'
          ? await probeImage(file.path)
          : ((await probeImage(file.path)) ?? (await probeVideo(file.path)));
    if (!probed && requested !== 'raw') {
      await rm(file.path, { force: true });
      throw cloudinaryError(400, `Invalid ${requested ?? 'image'} file`);
    }
    const resourceType = requested ?? (probed?.duration !== undefined ? 'video' : 'image');
    const asset: CloudinaryAsset = {
      publicId,
      resourceType: resourceType as CloudinaryAsset['resourceType'],
      format: probed?.format ?? '',
      bytes: (await stat(file.path)).size,
      ...(probed?.width ? { width: probed.width } : {}),
      ...(probed?.height ? { height: probed.height } : {}),
      ...(probed?.duration !== undefined ? { duration: probed.duration } : {}),
      ...(probed?.codec ? { codec: probed.codec } : {}),
      version: Math.floor(Date.now() / 1000),
      createdAt: new Date().toISOString(),
      path: file.path,
      parts: file.parts,
    };
    this.assets.set(this.key(asset.resourceType, publicId), asset);
    return { asset, existing: false };
  }

  /** Removes an asset; false when there was none. */
  async destroy(resourceType: string, publicId: string): Promise<boolean> {
    const asset = this.assets.get(this.key(resourceType, publicId));
    if (!asset) return false;
    this.assets.delete(this.key(resourceType, publicId));
    await rm(asset.path, { force: true });
    return true;
  }

  /** Chunked uploads started and not finished. */
  get pendingUploads(): number {
    return this.pending.size;
  }

  /** Drops every asset and pending upload. */
  async clear(): Promise<void> {
    const paths = [...this.assets.values()]
      .map((a) => a.path)
      .concat([...this.pending.values()].map((p) => p.path));
    this.assets.clear();
    this.pending.clear();
    await Promise.all(paths.map((p) => rm(p, { force: true })));
  }
}

/** An asset as the upload API and the Admin API answer it. */
export function presentAsset(
  asset: CloudinaryAsset,
  cloudName: string,
  existing = false,
): Record<string, unknown> {
  const path = `${cloudName}/${asset.resourceType}/upload/v${asset.version}/${asset.publicId}.${asset.format}`;
  return {
    asset_id: randomBytes(16).toString('hex'),
    public_id: asset.publicId,
    version: asset.version,
    signature: randomBytes(20).toString('hex'),
    ...(asset.width ? { width: asset.width } : {}),
    ...(asset.height ? { height: asset.height } : {}),
    format: asset.format,
    resource_type: asset.resourceType,
    created_at: asset.createdAt,
    tags: [],
    bytes: asset.bytes,
    type: 'upload',
    etag: randomBytes(16).toString('hex'),
    url: `http://res.cloudinary.com/${path}`,
    secure_url: `https://res.cloudinary.com/${path}`,
    original_filename: 'file',
    ...(asset.duration !== undefined ? { duration: asset.duration } : {}),
    ...(asset.codec ? { video: { codec: asset.codec } } : {}),
    ...(existing ? { existing: true } : {}),
  };
}
