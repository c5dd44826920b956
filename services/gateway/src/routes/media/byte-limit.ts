import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Counts and hashes bytes as they flow, and fails the stream the moment they pass `limit`: the upload
 * is refused while it is still arriving, not after it was stored.
 */
export class ByteLimit extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(
    private readonly limit: number,
    private readonly tooLarge: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.tooLarge());
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** The SHA-256 of everything that passed (hex); call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
