import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { type Transform, transformFromQuery, transformToQuery } from './transform';

/** Where the gateway serves local files: `<PUBLIC_URL>/files/<key>?exp=…&sig=…`. */
export const FILES_PATH = '/files/';

/** Why a signed URL was refused. */
export type UrlRefusal = 'bad-signature' | 'expired' | 'bad-transform';

/**
 * Signs and checks the URLs of locally stored files. Instagram, Facebook and Threads fetch media by URL
 * and send no credentials, so the URL itself is the credential: an HMAC over the key, its expiry and
 * its transformation, with a key derived from ENCRYPTION_KEY (every service has it).
 */
export class MediaUrlSigner {
  private readonly secret: Buffer;

  constructor(
    encryptionKeyBase64: string,
    private readonly publicUrl: string,
  ) {
    const ikm = Buffer.from(encryptionKeyBase64, 'base64');
    this.secret = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'vibetribe media urls', 32));
  }

  private mac(key: string, exp: number, transform: [string, string][]): string {
    const text = [key, String(exp), ...transform.map(([k, v]) => `${k}=${v}`)].join('\n');
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  /** A URL for `key` valid for `ttlS` seconds, optionally transformed. */
  url(key: string, ttlS: number, transform: Transform = {}, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + ttlS;
    const params = transformToQuery(transform);
    const query = new URLSearchParams([...params, ['exp', String(exp)], ['sig', this.mac(key, exp, params)]]);
    const path = key.split('/').map(encodeURIComponent).join('/');
    return `${this.publicUrl.replace(/\/$/, '')}${FILES_PATH}${path}?${query.toString()}`;
  }

  /** The transformation a request for `key` may have, or why it may not be served. */
  verify(
    key: string,
    query: URLSearchParams,
    now = Date.now(),
  ): { ok: true; transform: Transform } | { ok: false; reason: UrlRefusal } {
    const exp = Number(query.get('exp'));
    const sig = query.get('sig') ?? '';
    const transform = transformFromQuery((name) => query.get(name) ?? undefined);
    if (!transform) return { ok: false, reason: 'bad-transform' };
    if (!Number.isInteger(exp)) return { ok: false, reason: 'bad-signature' };
    const expected = Buffer.from(this.mac(key, exp, transformToQuery(transform)));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'bad-signature' };
    if (exp * 1000 < now) return { ok: false, reason: 'expired' };
    return { ok: true, transform };
  }
}
