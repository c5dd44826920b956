import { request } from 'node:http';

/** One file part of a hand-made multipart body. */
export interface Part {
  field: string;
  name: string;
  type?: string;
  body: Buffer;
}

/** A multipart body as a browser sends it, for tests that need its exact bytes. */
export function multipartBody(
  parts: Part[],
  boundary = '----vt-test-boundary',
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.name}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      p.body,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Sends a file part's header, then `head`, then up to `fillerBytes` more in 64 KB writes, and stops
 * writing as soon as a response arrives (or after `abortAfter` bytes, destroying the socket as a
 * client that gives up would). Resolves with the status (0 when aborted) and the bytes written.
 */
export function streamUpload(opts: {
  url: string;
  token: string;
  orgId: string;
  head: Buffer;
  fillerBytes: number;
  abortAfter?: number;
}): Promise<{ status: number; body: string; sent: number }> {
  const boundary = '----vt-stream';
  const prelude = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  return new Promise((resolve, reject) => {
    let responded = false;
    let sent = 0;
    const req = request(
      opts.url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.token}`,
          'x-organization-id': opts.orgId,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'transfer-encoding': 'chunked',
        },
      },
      (res) => {
        responded = true;
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, body, sent }));
      },
    );
    req.on('error', (err) =>
      responded
        ? undefined
        : opts.abortAfter !== undefined
          ? resolve({ status: 0, body: '', sent })
          : reject(err),
    );
    const write = (chunk: Buffer) => {
      sent += chunk.length;
      return req.write(chunk);
    };
    write(prelude);
    write(opts.head);
    const filler = Buffer.alloc(64 * 1024, 0x5a);
    const pump = () => {
      while (!responded && sent < opts.fillerBytes) {
        if (opts.abortAfter !== undefined && sent >= opts.abortAfter) {
          req.destroy();
          setTimeout(() => resolve({ status: 0, body: '', sent }), 50);
          return;
        }
        if (!write(filler)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!responded) req.end(Buffer.from(`\r\n--${boundary}--\r\n`));
    };
    pump();
  });
}
