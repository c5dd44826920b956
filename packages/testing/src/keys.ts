import { generateKeyPairSync } from 'node:crypto';
import type { TokenConfig } from '@vibetribe/runtime';

let cached: TokenConfig | undefined;

/** An ES256 key pair for tests, made once per process. */
export function testTokenConfig(): TokenConfig {
  if (!cached) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    cached = {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      issuer: 'vibetribe',
      audience: 'vibetribe-api',
    };
  }
  return cached;
}
