import type { Readable } from 'node:stream';

/**
 * Reads the first `bytes` of a stream (fewer if it ends sooner) and leaves it paused, so the rest can be
 * piped on after the type has been decided. `ended` says the stream has nothing more.
 */
export function readHead(stream: Readable, bytes: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', reject);
      stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= bytes) finish(false);
    };
    const onEnd = () => finish(true);
    stream.on('data', onData).once('end', onEnd).once('error', reject);
  });
}
