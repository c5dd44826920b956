import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpProblem, sendJson } from '../http/io';
import { listen } from '../http/serve';
import { AssetStore, presentAsset } from './cloudinary-assets';
import { cloudinaryError, type ParsedForm, parseForm } from './cloudinary-form';
import { signatureValid } from './cloudinary-signature';
import type { CloudinaryAsset, CloudinaryEmulatorSettings, CloudinaryStats } from './cloudinary-types';

/** Where and how to run the emulator. */
export interface CloudinaryEmulatorOptions extends Partial<CloudinaryEmulatorSettings> {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** A running Cloudinary upload/admin API emulator. */
export interface CloudinaryEmulator {
  /** The API base URL: the SDK's `upload_prefix`. */
  readonly url: string;
  /** `cloudinary://key:secret@cloud?upload_prefix=<url>`, for CLOUDINARY_URL. */
  readonly cloudinaryUrl: string;
  readonly settings: CloudinaryEmulatorSettings;
  /** The assets stored now. */
  assets(): CloudinaryAsset[];
  /** Chunked uploads begun and not finished. */
  pendingUploads(): number;
  stats(): CloudinaryStats;
  /** The next `count` upload requests answer 500 (a Cloudinary outage). */
  failUploads(count: number): void;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULTS: CloudinaryEmulatorSettings = {
  cloudName: 'vibetribe-test',
  apiKey: '123456789012345',
  apiSecret: 'emulator-secret',
  minChunkBytes: 5 * 1024 * 1024,
  signatureMaxAgeS: 3600,
};

interface World {
  settings: CloudinaryEmulatorSettings;
  store: AssetStore;
  stats: CloudinaryStats;
  failUploads: number;
}

/** Signed and fresh, or an error as Cloudinary words it (401 bad signature, 400 stale). */
function checkSigned(world: World, fields: Map<string, string>): void {
  if (fields.get('api_key') !== world.settings.apiKey) throw cloudinaryError(401, 'Invalid api_key');
  if (!signatureValid(fields, world.settings.apiSecret)) {
    world.stats.rejectedSignatures++;
    throw cloudinaryError(401, `Invalid Signature ${fields.get('signature') ?? ''}.`);
  }
  const age = Math.abs(Date.now() / 1000 - Number(fields.get('timestamp')));
  if (!(age <= world.settings.signatureMaxAgeS))
    throw cloudinaryError(400, 'Stale request - reported time is too old');
}

async function upload(
  world: World,
  req: IncomingMessage,
  resourceType: string,
  form: ParsedForm,
): Promise<unknown> {
  if (world.failUploads > 0) {
    world.failUploads--;
    throw cloudinaryError(500, 'General Error');
  }
  checkSigned(world, form.fields);
  if (!form.file) throw cloudinaryError(400, 'Missing required parameter - file');
  const uploadId = req.headers['x-unique-upload-id'];
  const range = req.headers['content-range'];
  let whole: { path: string; parts: number } | undefined = { path: form.file.path, parts: 1 };
  if (typeof uploadId === 'string' && typeof range === 'string') {
    world.stats.chunks++;
    whole = await world.store.appendChunk(uploadId, range, form.file, world.settings.minChunkBytes);
    if (!whole) return { done: false, upload_id: uploadId };
  }
  world.stats.uploads++;
  const publicId = form.fields.get('public_id');
  const { asset, existing } = await world.store.store(whole, {
    resourceType,
    ...(publicId ? { publicId } : {}),
    overwrite: form.fields.get('overwrite') !== 'false' && form.fields.get('overwrite') !== '0',
  });
  return presentAsset(asset, world.settings.cloudName, existing);
}

async function destroy(world: World, resourceType: string, form: ParsedForm): Promise<unknown> {
  checkSigned(world, form.fields);
  world.stats.destroys++;
  const found = await world.store.destroy(resourceType, form.fields.get('public_id') ?? '');
  return { result: found ? 'ok' : 'not found' };
}

/** Admin API `GET resources/<type>/upload/<public_id>`, authenticated with Basic key:secret. */
function resource(world: World, req: IncomingMessage, resourceType: string, publicId: string): unknown {
  const expected = `Basic ${Buffer.from(`${world.settings.apiKey}:${world.settings.apiSecret}`).toString('base64')}`;
  if (req.headers.authorization !== expected) throw cloudinaryError(401, 'Invalid credentials');
  const asset = world.store.get(resourceType, publicId);
  if (!asset) throw cloudinaryError(404, `Resource not found - ${publicId}`);
  return presentAsset(asset, world.settings.cloudName);
}

async function dispatch(world: World, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const m = /^\/v1_1\/([^/]+)\/(.+)$/.exec(url.pathname);
  try {
    if (!m) throw cloudinaryError(404, `No route ${req.method} ${url.pathname}`);
    if (m[1] !== world.settings.cloudName) throw cloudinaryError(401, 'Invalid cloud_name');
    const rest = m[2]!;
    const admin = /^resources\/(image|video|raw)\/upload\/(.+)$/.exec(rest);
    if (req.method === 'GET' && admin) {
      sendJson(res, 200, resource(world, req, admin[1]!, decodeURIComponent(admin[2]!)));
      return;
    }
    const action = /^(image|video|raw|auto)\/(upload|destroy)$/.exec(rest);
    if (req.method !== 'POST' || !action)
      throw cloudinaryError(404, `No route ${req.method} ${url.pathname}`);
    const form = await parseForm(req, world.store.dir).catch((err: unknown) => {
      if (err instanceof HttpProblem) throw err;
      world.stats.abandoned++;
      throw cloudinaryError(400, 'Upload interrupted');
    });
    try {
      const body =
        action[2] === 'upload'
          ? await upload(world, req, action[1]!, form)
          : await destroy(world, action[1]!, form);
      sendJson(res, 200, body);
    } finally {
      // A chunk's bytes were copied into its upload; a whole file became the asset (its path is kept).
      const kept = [...world.store.assets.values()].some((a) => a.path === form.file?.path);
      if (form.file && !kept) rmSync(form.file.path, { force: true });
    }
  } catch (err) {
    if (res.headersSent || res.destroyed) return;
    if (err instanceof HttpProblem) sendJson(res, err.status, err.body, err.headers);
    else sendJson(res, 500, { error: { message: 'General Error' } });
  }
}

/**
 * Starts a Cloudinary emulator: upload (single or chunked with X-Unique-Upload-Id and Content-Range),
 * destroy and the Admin API's `resource`, with Cloudinary's signature check, so the real SDK runs
 * against it. Point the SDK at it with `upload_prefix` (see `cloudinaryUrl`). Images are measured with
 * sharp, videos with ffprobe; the bytes are kept in a temporary folder until `close()`.
 */
export async function startCloudinaryEmulator(
  options: CloudinaryEmulatorOptions = {},
): Promise<CloudinaryEmulator> {
  const { port = 0, host = '127.0.0.1', ...settings } = options;
  const dir = mkdtempSync(join(tmpdir(), 'vt-cloudinary-'));
  const world: World = {
    settings: { ...DEFAULTS, ...settings },
    store: new AssetStore(dir),
    stats: { uploads: 0, chunks: 0, destroys: 0, rejectedSignatures: 0, abandoned: 0 },
    failUploads: 0,
  };
  const server = createServer((req, res) => {
    dispatch(world, req, res).catch(() => res.destroy());
  });
  const url = await listen(server, port, host);
  const s = world.settings;
  return {
    url,
    cloudinaryUrl: `cloudinary://${s.apiKey}:${s.apiSecret}@${s.cloudName}?upload_prefix=${url}`,
    settings: s,
    assets: () => [...world.store.assets.values()],
    pendingUploads: () => world.store.pendingUploads,
    stats: () => ({ ...world.stats }),
    failUploads: (count) => {
      world.failUploads = count;
    },
    reset: async () => {
      world.failUploads = 0;
      world.stats = { uploads: 0, chunks: 0, destroys: 0, rejectedSignatures: 0, abandoned: 0 };
      await world.store.clear();
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
