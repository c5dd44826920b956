import { generateKeyPairSync } from 'node:crypto';
import type { TokenConfig } from '@vibetribe/runtime';

/** A fresh ES256 key pair and the token configuration that goes with it. */
export function newTokenConfig(): TokenConfig & { privateKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    issuer: 'vibetribe',
    audience: 'vibetribe-api',
  };
}

let cached: TokenConfig | undefined;

/** An ES256 key pair for tests, made once per process. */
export function testTokenConfig(): TokenConfig {
  cached ??= newTokenConfig();
  return cached;
}
