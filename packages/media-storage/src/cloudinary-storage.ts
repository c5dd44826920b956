import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v2 as cloudinary, type UploadApiResponse } from 'cloudinary';
import type { MediaStorage, PutTarget, StoredFacts, StoredObject } from './storage';
import type { Transform } from './transform';
import type { MediaKind } from './types';

/** A Cloudinary account (or the emulator: `uploadPrefix` http://127.0.0.1:<port>). */
export interface CloudinaryConfig {
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  /** The API's base URL; unset means https://api.cloudinary.com. */
  uploadPrefix?: string;
  /** Videos go up in chunks of this size (Cloudinary wants ≥ 5 MB but the last). */
  chunkBytes: number;
}

/** Cloudinary's chunk default is 20 MB; 6 MB keeps the SDK's chunk buffer (held in memory) small. */
export const DEFAULT_CHUNK_BYTES = 6 * 1024 * 1024;

const resourceType = (kind: MediaKind): 'video' | 'image' => (kind === 'video' ? 'video' : 'image');

/** Cloudinary's transformation for an optimize-url request. */
function transformation(t: Transform): Record<string, unknown> {
  return {
    fetch_format: t.format ?? 'auto',
    quality: t.quality ?? 'auto',
    ...(t.width ? { width: t.width } : {}),
    ...(t.height ? { height: t.height } : {}),
    ...(t.width || t.height ? { crop: t.crop ?? 'limit' } : {}),
  };
}

/** The error the SDK reports, as an Error (it rejects with plain objects). */
function sdkError(err: unknown): Error {
  if (err instanceof Error) return err;
  const e = err as { message?: string; http_code?: number } | undefined;
  return Object.assign(new Error(`cloudinary: ${e?.message ?? 'upload failed'}`), { httpCode: e?.http_code });
}

/**
 * Cloudinary through its real Node SDK: images with `upload_stream`, videos with
 * `upload_chunked_stream` (X-Unique-Upload-Id, Content-Range), `destroy`, the Admin API's `resource`
 * for facts, and delivery URLs with f_auto/q_auto/width/crop. Credentials go with each call, so no
 * global SDK configuration is involved.
 *
 * Each upload has its own HTTP agent: the SDK picks the `http` or `https` module once, when it is first
 * required, from the CLOUDINARY_URL it sees then, and an agent of the right protocol makes a plain-HTTP
 * prefix (the emulator) work whatever was set at that moment. Destroying the agent is also how a
 * failed upload's request is cut short, so nothing half-sent is kept.
 */
export class CloudinaryStorage implements MediaStorage {
  readonly driver = 'cloudinary' as const;

  constructor(private readonly config: CloudinaryConfig) {}

  private options(agent?: HttpAgent) {
    return {
      cloud_name: this.config.cloudName,
      api_key: this.config.apiKey,
      api_secret: this.config.apiSecret,
      ...(this.config.uploadPrefix ? { upload_prefix: this.config.uploadPrefix } : {}),
      agent: agent ?? this.agent(),
    };
  }

  private agent(): HttpAgent {
    return this.config.uploadPrefix?.startsWith('http:') ? new HttpAgent() : new HttpsAgent();
  }

  async put(source: Readable, target: PutTarget): Promise<StoredObject> {
    const agent = this.agent();
    const options = {
      ...this.options(agent),
      resource_type: resourceType(target.kind),
      public_id: target.key,
      overwrite: false,
      unique_filename: false,
      use_filename: false,
      chunk_size: this.config.chunkBytes,
    };
    let settle!: (err: unknown, result?: UploadApiResponse) => void;
    const uploaded = new Promise<UploadApiResponse>((resolve, reject) => {
      settle = (err, result) => (err || !result ? reject(sdkError(err)) : resolve(result));
    });
    const sink =
      target.kind === 'video'
        ? cloudinary.uploader.upload_chunked_stream(options, settle)
        : cloudinary.uploader.upload_stream(options, settle);
    try {
      const [result] = await Promise.all([uploaded, pipeline(source, sink)]);
      return {
        publicId: result.public_id,
        bytes: result.bytes,
        ...(result.width ? { width: result.width } : {}),
        ...(result.height ? { height: result.height } : {}),
        ...(typeof result.duration === 'number' ? { durationS: result.duration } : {}),
      };
    } catch (err) {
      // Cut the request off: a partial multipart body or an unfinished chunk series is never stored.
      source.destroy();
      uploaded.catch(() => undefined);
      throw err;
    } finally {
      agent.destroy();
    }
  }

  async remove(publicId: string, kind: MediaKind): Promise<void> {
    const result = (await cloudinary.uploader
      .destroy(publicId, { ...this.options(), resource_type: resourceType(kind), invalidate: true })
      .catch((err: unknown) => Promise.reject(sdkError(err)))) as { result?: string };
    if (result.result !== 'ok' && result.result !== 'not found')
      throw new Error(`cloudinary destroy: ${JSON.stringify(result)}`);
  }

  /** Width, height, duration and codec as Cloudinary measured them (Admin API `resource`). */
  async facts(publicId: string, kind: MediaKind): Promise<StoredFacts> {
    const r = (await cloudinary.api
      .resource(publicId, { ...this.options(), resource_type: resourceType(kind), media_metadata: true })
      .catch((err: unknown) => Promise.reject(sdkError(err)))) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    const video = r.video as { codec?: string } | undefined;
    return {
      width: num(r.width),
      height: num(r.height),
      durationS: num(r.duration),
      codec: video?.codec ?? null,
      format: typeof r.format === 'string' ? r.format : null,
      bytes: num(r.bytes),
    };
  }

  url(ref: string, kind: MediaKind, opts: { transform?: Transform } = {}): string {
    if (/^https?:\/\//.test(ref)) return ref;
    return cloudinary.url(ref, {
      ...this.delivery(kind),
      transformation: [transformation(opts.transform ?? {})],
    });
  }

  /** A delivery URL with a raw transformation string (renditions: `c_fill,w_400,h_400,f_jpg`). */
  derivedUrl(publicId: string, kind: MediaKind, raw: string, format?: string): string {
    return cloudinary.url(format ? `${publicId}.${format}` : publicId, {
      ...this.delivery(kind),
      raw_transformation: raw,
    });
  }

  /** Delivery URL options: HTTPS, no version segment, no SDK analytics parameter. */
  private delivery(kind: MediaKind) {
    return {
      cloud_name: this.config.cloudName,
      resource_type: resourceType(kind),
      type: 'upload',
      secure: true,
      force_version: false,
      urlAnalytics: false,
    };
  }
}
