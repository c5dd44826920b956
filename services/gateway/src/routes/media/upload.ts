import multer from '@koa/multer';
import { type EntityManager, Media, type Membership, User } from '@vibetribe/database';
import { enqueueMedia, MAX_FILES_PER_REQUEST } from '@vibetribe/media-storage';
import type { AppContext, MediaDeps } from '../../context';
import {
  dependencyUnavailable,
  malformedBody,
  payloadTooLarge,
  Problem,
  validationFailed,
} from '../../errors';
import { withDeadline } from '../../lib/deadline';
import { pingRedis } from '../../lib/redis';
import type { GatewayDeps } from '../../context';
import { planUpload, type StoredUpload, streamingEngine, type UploadPlan } from './upload-engine';

/** How long adding the processing jobs may take before the upload is undone and answered 503. */
const ENQUEUE_DEADLINE_MS = 3000;

const parser = multer({
  storage: streamingEngine,
  limits: {
    files: MAX_FILES_PER_REQUEST,
    fields: 10,
    fieldSize: 8 * 1024,
    parts: MAX_FILES_PER_REQUEST + 10,
  },
});

/** multer's and busboy's errors in our vocabulary (the engine's own are Problems already). */
function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const e = err as { code?: string; field?: string; message?: string };
  switch (e.code) {
    case 'LIMIT_FILE_SIZE':
      return payloadTooLarge('The file exceeds the size limit.');
    case 'LIMIT_FILE_COUNT':
      return validationFailed([{ path: 'body.files', message: `at most ${MAX_FILES_PER_REQUEST} files` }]);
    case 'LIMIT_UNEXPECTED_FILE':
      return validationFailed([{ path: `body.${e.field ?? 'file'}`, message: 'unexpected file field' }]);
    case undefined:
      return malformedBody('The multipart body is malformed or ended early.');
    default:
      return validationFailed([{ path: `body.${e.field ?? ''}`, message: e.message ?? 'invalid form' }]);
  }
}

/** Removes what a failed request stored, once every file still being written has settled. */
async function undo(plan: UploadPlan): Promise<void> {
  await Promise.allSettled([...plan.pending]);
  await Promise.allSettled(plan.stored.map((s) => plan.storage.remove(s.publicId, s.type.kind)));
}

/**
 * Streams the request's files into storage with our engine. A refused file answers at once (415, 413)
 * with `Connection: close`, while the client may still be sending: multer would otherwise read the
 * whole body before reporting it. Whatever was stored is removed before the error goes out.
 */
async function receive(
  ctx: AppContext,
  media: MediaDeps,
  membership: Membership,
  field: { single?: string; array?: string },
): Promise<UploadPlan> {
  let refuse!: (problem: Error) => void;
  const refused = new Promise<never>((_, reject) => (refuse = reject));
  const plan: UploadPlan = {
    organizationId: membership.organization.id,
    userId: ctx.state.user!.id,
    storage: media.storage,
    limits: media.limits,
    stored: [],
    pending: new Set(),
    refuse,
  };
  planUpload(ctx.req, plan);
  const middleware = field.single
    ? parser.single(field.single)
    : parser.array(field.array!, MAX_FILES_PER_REQUEST);
  const parsed = (middleware as (c: unknown, n: () => Promise<void>) => Promise<void>)(ctx, () =>
    Promise.resolve(),
  );
  parsed.catch(() => undefined);
  try {
    await Promise.race([parsed, refused]);
  } catch (err) {
    ctx.set('Connection', 'close');
    await undo(plan);
    throw toProblem(err);
  }
  return plan;
}

/** Writes the rows of stored files in one transaction. */
async function insertRows(
  em: EntityManager,
  membership: Membership,
  userId: string,
  files: StoredUpload[],
  alt: string | undefined,
  media: MediaDeps,
): Promise<Media[]> {
  return em.transactional((tx) => {
    const rows = files.map((f) => {
      const m = new Media(membership.organization, {
        kind: f.type.kind,
        mime: f.type.mime,
        bytes: f.bytes,
        storage: media.storage.driver,
        publicId: f.publicId,
        url: media.storage.url(f.publicId, f.type.kind),
        sha256: f.sha256,
      });
      m.id = f.mediaId;
      m.uploader = tx.getReference(User, userId);
      m.originalName = f.originalName;
      m.alt = alt ?? null;
      m.width = f.width ?? null;
      m.height = f.height ?? null;
      m.durationS = f.durationS ?? null;
      tx.persist(m);
      return m;
    });
    return Promise.resolve(rows);
  });
}

/**
 * One upload request from bytes to rows: Redis is checked first (no point storing what cannot be
 * processed), the files stream into storage, the rows commit, the jobs are added. Any failure undoes
 * the earlier steps: no file, row or job is left half made.
 */
export async function uploadMedia(
  ctx: AppContext,
  deps: Pick<GatewayDeps, 'media' | 'redis'>,
  membership: Membership,
  field: { single?: string; array?: string },
  fields: {
    safeParse(v: unknown): {
      success: boolean;
      data?: { alt?: string };
      error?: { issues: { path: PropertyKey[]; message: string }[] };
    };
  },
): Promise<Media[]> {
  if (!ctx.is('multipart/form-data'))
    throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send multipart/form-data.');
  await pingRedis(deps.redis).catch(() => {
    throw dependencyUnavailable('redis');
  });
  const plan = await receive(ctx, deps.media, membership, field);
  try {
    const parsed = fields.safeParse({ ...(ctx.request.body as object) });
    if (!parsed.success)
      throw validationFailed(
        parsed.error!.issues.map((i) => ({
          path: ['body', ...i.path.map(String)].join('.'),
          message: i.message,
        })),
      );
    if (plan.stored.length === 0)
      throw validationFailed([
        { path: `body.${field.single ?? field.array}`, message: 'a file is required' },
      ]);
    const rows = await insertRows(
      ctx.state.em,
      membership,
      ctx.state.user!.id,
      plan.stored,
      parsed.data?.alt,
      deps.media,
    );
    try {
      const jobs = rows.map((m) => ({ mediaId: m.id, organizationId: m.organization.id }));
      await withDeadline(enqueueMedia(deps.media.queue, jobs), ENQUEUE_DEADLINE_MS, 'enqueue');
    } catch {
      await ctx.state.em.fork().nativeDelete(Media, { id: { $in: rows.map((r) => r.id) } });
      throw dependencyUnavailable('redis');
    }
    return rows;
  } catch (err) {
    await undo(plan);
    throw err;
  }
}
