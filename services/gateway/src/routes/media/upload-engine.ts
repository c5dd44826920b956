import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type multer from '@koa/multer';
import {
  limitOf,
  type MediaLimits,
  mediaKey,
  type MediaStorage,
  type MediaType,
  sniffMediaType,
  SNIFF_BYTES,
} from '@vibetribe/media-storage';
import { dependencyUnavailable, payloadTooLarge, Problem, unsupportedMediaType } from '../../errors';
import { ByteLimit } from './byte-limit';
import { readHead } from './read-head';

/** One stored file of a request, as the engine hands it to multer (and multer to the route). */
export interface StoredUpload {
  mediaId: string;
  publicId: string;
  type: MediaType;
  bytes: number;
  sha256: string;
  originalName: string | null;
  width?: number;
  height?: number;
  durationS?: number;
}

/** What one request's files need: where they go, their owner, the limits, and what has been stored so far. */
export interface UploadPlan {
  organizationId: string;
  userId: string;
  storage: MediaStorage;
  limits: MediaLimits;
  /** Files stored, for the route to remove when the request fails. */
  stored: StoredUpload[];
  /** Puts still running. */
  pending: Set<Promise<unknown>>;
  /** Called at once with a file's refusal (415, 413), so the route can answer while bytes still arrive. */
  refuse(problem: Error): void;
}

const plans = new WeakMap<IncomingMessage, UploadPlan>();

/** Attaches a plan to a request before multer parses it. */
export const planUpload = (req: IncomingMessage, plan: UploadPlan) => plans.set(req, plan);

const MIB = 1024 * 1024;
const mb = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MB`;

/** Streams one file: type from its first bytes, size counted as it flows, straight into storage. */
async function storeFile(plan: UploadPlan, file: multer.File & { stream: Readable }): Promise<StoredUpload> {
  const { head, ended } = await readHead(file.stream, SNIFF_BYTES);
  const type = await sniffMediaType(head);
  if (!type) {
    throw unsupportedMediaType(
      `${file.originalname || 'The file'} is not a JPEG, PNG, GIF, WebP, MP4, MPEG, QuickTime or WebM file (judged by its content).`,
    );
  }
  const limit = limitOf(type.kind, plan.limits);
  const body = new ByteLimit(limit, () =>
    payloadTooLarge(`${type.kind === 'video' ? 'Videos' : 'Images'} may be up to ${mb(limit)}.`),
  );
  const source = new PassThrough();
  source.write(head);
  if (ended) source.end();
  else file.stream.pipe(source);
  // Errors travel forward to storage's pipeline, which rejects the put; these listeners only pass them
  // on (and keep a late second error, after the pipeline has let go, from being unhandled).
  let clientFailed = false;
  file.stream.on('error', (err) => {
    clientFailed = true;
    source.destroy(err);
  });
  source.on('error', (err) => body.destroy(err));
  body.on('error', () => undefined);
  const mediaId = randomUUID();
  const key = mediaKey({ organizationId: plan.organizationId, userId: plan.userId, mediaId });
  const stored = await plan.storage
    .put(source.pipe(body), { key, ext: type.ext, mime: type.mime, kind: type.kind })
    .catch((err: unknown) => {
      // The limit, or the client going away, are the request's own failures; anything else is the store's.
      if (err instanceof Problem || clientFailed) throw err;
      throw dependencyUnavailable('media storage');
    });
  return {
    mediaId,
    publicId: stored.publicId,
    type,
    bytes: body.bytes,
    sha256: body.digest(),
    originalName: file.originalname ? file.originalname.slice(0, 255) : null,
    ...(stored.width ? { width: stored.width } : {}),
    ...(stored.height ? { height: stored.height } : {}),
    ...(stored.durationS !== undefined ? { durationS: stored.durationS } : {}),
  };
}

/**
 * Our multer storage engine: nothing touches memory or a temporary folder on the way. A refused file
 * (415, 413) is reported to the route at once; whatever part of it was written is gone before the
 * callback runs.
 */
export const streamingEngine: multer.StorageEngine = {
  _handleFile(req, file, callback) {
    const plan = plans.get(req);
    if (!plan) {
      callback(new Error('upload without a plan'));
      return;
    }
    const put = storeFile(plan, file as multer.File & { stream: Readable });
    plan.pending.add(put);
    put.then(
      (stored) => {
        plan.pending.delete(put);
        plan.stored.push(stored);
        callback(null, stored as unknown as multer.File);
      },
      (err: Error) => {
        plan.pending.delete(put);
        if ('status' in err) plan.refuse(err);
        (file as multer.File & { stream: Readable }).stream.resume();
        callback(err);
      },
    );
  },
  _removeFile(req, file, callback) {
    const plan = plans.get(req);
    const stored = file as unknown as StoredUpload;
    if (!plan || !stored.publicId) {
      callback(null as unknown as Error);
      return;
    }
    plan.storage.remove(stored.publicId, stored.type.kind).then(
      () => callback(null as unknown as Error),
      (err: Error) => callback(err),
    );
  },
};
