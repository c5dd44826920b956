import type { Readable } from 'node:stream';
import type { Transform } from './transform';
import type { MediaKind } from './types';

/** Where and as what an upload is stored. */
export interface PutTarget {
  /** The key without extension (see `mediaKey`). */
  key: string;
  ext: string;
  mime: string;
  kind: MediaKind;
}

/** A stored object, as the driver reports it. */
export interface StoredObject {
  /** The object's public id: the local key with extension, or Cloudinary's public_id. */
  publicId: string;
  bytes: number;
  /** Facts the store itself measured (Cloudinary does; local disk leaves them to the media job). */
  width?: number;
  height?: number;
  durationS?: number;
}

/** Facts about a stored object, for the media job (Cloudinary's Admin API; local files are probed). */
export interface StoredFacts {
  width: number | null;
  height: number | null;
  durationS: number | null;
  codec: string | null;
  format: string | null;
  bytes: number | null;
}

/** One interface, two drivers: local disk (the default) and Cloudinary (also its emulator). */
export interface MediaStorage {
  readonly driver: 'local' | 'cloudinary';
  /**
   * Streams `source` into the store; resolves once it is stored. Backpressure flows back to the
   * source, so nothing is held whole in memory. If the source fails or is destroyed, nothing is left.
   */
  put(source: Readable, target: PutTarget): Promise<StoredObject>;
  /** Removes an object; one that is already gone is fine. */
  remove(publicId: string, kind: MediaKind): Promise<void>;
  /**
   * A URL that needs no credentials: signed and expiring for local files, a delivery URL with
   * `f_auto`/`q_auto`/width/crop for Cloudinary. `ref` is a public id, or a URL kept as it is.
   */
  url(ref: string, kind: MediaKind, opts?: { ttlS?: number; transform?: Transform }): string;
}
