import { createHash } from 'node:crypto';

/** Fields that are sent but never signed (Cloudinary's rule, the SDK's `api_sign_request`). */
const UNSIGNED = new Set(['file', 'cloud_name', 'resource_type', 'api_key', 'signature']);

/**
 * The string Cloudinary signs: every other non-empty field, sorted by name, `k=v` joined by `&`, with
 * `&` inside a pair escaped as `%26` (signature version 2).
 */
export function stringToSign(fields: ReadonlyMap<string, string>): string {
  return [...fields.entries()]
    .filter(([k, v]) => !UNSIGNED.has(k) && v !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`.replace(/&/g, '%26'))
    .join('&');
}

/** The signature of `fields` with `secret`: SHA-1 (40 hex digits) or SHA-256 (64), as the signature's length says. */
export function signFields(
  fields: ReadonlyMap<string, string>,
  secret: string,
  algorithm: 'sha1' | 'sha256' = 'sha1',
): string {
  return createHash(algorithm)
    .update(stringToSign(fields) + secret)
    .digest('hex');
}

/** True when the request carries a valid signature for its fields. */
export function signatureValid(fields: ReadonlyMap<string, string>, secret: string): boolean {
  const given = fields.get('signature') ?? '';
  const algorithm = given.length === 64 ? 'sha256' : 'sha1';
  return given !== '' && given === signFields(fields, secret, algorithm);
}
