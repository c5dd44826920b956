import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { HttpProblem } from '../http/io';

/** A parsed form: its text fields, and its `file` part written to a temporary file (when it has one). */
export interface ParsedForm {
  fields: Map<string, string>;
  file?: { path: string; bytes: number };
}

/** Cloudinary's error body. */
export const cloudinaryError = (status: number, message: string) =>
  new HttpProblem(status, { error: { message } });

/**
 * Streams a multipart (or url-encoded) request: fields into a map, the `file` part to disk, so a large
 * chunk is never held in memory. A request that ends early (the client aborted) rejects and leaves no file.
 */
export async function parseForm(req: IncomingMessage, dir: string): Promise<ParsedForm> {
  const fields = new Map<string, string>();
  const writes: Promise<void>[] = [];
  let file: ParsedForm['file'];
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fieldSize: 64 * 1024 } });
  } catch {
    throw cloudinaryError(400, 'Unsupported request body');
  }
  parser.on('field', (name, value) => fields.set(name, value));
  parser.on('file', (name, stream) => {
    if (name !== 'file' || file) {
      stream.resume();
      return;
    }
    const path = join(dir, `part-${randomUUID()}`);
    const entry = { path, bytes: 0 };
    file = entry;
    stream.on('data', (chunk: Buffer) => (entry.bytes += chunk.length));
    writes.push(pipeline(stream, createWriteStream(path)));
  });
  try {
    await pipeline(req, parser);
    await Promise.all(writes);
  } catch (err) {
    await Promise.allSettled(writes);
    if (file) await rm(file.path, { force: true });
    throw err;
  }
  return { fields, ...(file ? { file } : {}) };
}
