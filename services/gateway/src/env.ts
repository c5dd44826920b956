import { readFileSync } from 'node:fs';
import { mediaStorageEnv } from '@vibetribe/media-storage';
import { commonEnv, jwtKeyringProblem, loadEnv, portVar } from '@vibetribe/runtime';
import { DEFAULT_MEDIA_WAIT_MS, PUBLISHING_TASK_QUEUE } from '@vibetribe/workflows';
import { z } from 'zod';

const pem = z.string().refine((s) => s.includes('-----BEGIN'), 'must be a PEM key');

const schema = z
  .object({
    ...commonEnv,
    // PUBLIC_URL, ENCRYPTION_KEY (also signs local media URLs), MEDIA_*, CLOUDINARY_*.
    ...mediaStorageEnv,
    GATEWAY_PORT: portVar(3000),
    JWT_PRIVATE_KEY: pem.optional(),
    JWT_PRIVATE_KEY_FILE: z.string().optional(),
    JWT_PUBLIC_KEY: pem.optional(),
    JWT_PUBLIC_KEY_FILE: z.string().optional(),
    JWT_ISSUER: z.string().default('vibetribe'),
    JWT_AUDIENCE: z.string().default('vibetribe-api'),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    ENCRYPTION_KEY: mediaStorageEnv.ENCRYPTION_KEY.refine(
      (s) => Buffer.from(s, 'base64').length === 32,
      'must be 32 bytes, base64',
    ),
    CORS_ORIGINS: z.string().default('http://localhost:5173'),
    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_PER_USER: z.coerce.number().int().min(1).default(1200),
    RATE_LIMIT_AUTH_PER_IP: z.coerce.number().int().min(1).default(20),
    BODY_LIMIT: z.string().default('256kb'),
    TEMPORAL_DEADLINE_MS: z.coerce.number().int().min(100).default(5000),
    // Where post workflows are started and signalled: the worker's TEMPORAL_TASK_QUEUE (same name, same default).
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(PUBLISHING_TASK_QUEUE),
    // Where the OAuth callback sends the browser with the outcome (a front end's page); default PUBLIC_URL.
    OAUTH_RESULT_URL: z.url().optional(),
    // How long a due post waits for media still processing before those targets fail (10 minutes).
    MEDIA_WAIT_MS: z.coerce.number().int().min(0).default(DEFAULT_MEDIA_WAIT_MS),
    TRUST_PROXY: z.stringbool().default(false),
    // Connections to PostgreSQL this process may hold at once (every query and transaction shares them).
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
    // Verified access tokens remembered until their expiry (0: verify every request).
    AUTH_TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
    // Rendered post-list pages kept, checked against the organization's posts version (0: off).
    POST_LIST_CACHE_MB: z.coerce.number().min(0).max(4096).default(32),
    // System operators (queue statistics, health, periodic job triggers): emails, comma-separated.
    OPERATOR_EMAILS: z.string().default(''),
  })
  .transform((e, ctx) => {
    const read = (inline: string | undefined, file: string | undefined, key: string) => {
      if (inline) return inline;
      if (!file) return undefined;
      try {
        return readFileSync(file, 'utf8');
      } catch {
        ctx.addIssue({ code: 'custom', path: [key], message: `cannot read ${file}` });
        return undefined;
      }
    };
    const privateKey = read(e.JWT_PRIVATE_KEY, e.JWT_PRIVATE_KEY_FILE, 'JWT_PRIVATE_KEY_FILE');
    const publicKey = read(e.JWT_PUBLIC_KEY, e.JWT_PUBLIC_KEY_FILE, 'JWT_PUBLIC_KEY_FILE');
    if (!privateKey)
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message: 'set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE',
      });
    if (!publicKey)
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PUBLIC_KEY'],
        message: 'set JWT_PUBLIC_KEY or JWT_PUBLIC_KEY_FILE',
      });
    // The keyring must parse and hold the signing key's public half, or no verifier accepts our tokens.
    if (privateKey && publicKey) {
      const problem = jwtKeyringProblem(publicKey, privateKey);
      if (problem) ctx.addIssue({ code: 'custom', path: ['JWT_PUBLIC_KEY'], message: problem });
    }
    return {
      ...e,
      jwt: {
        privateKey: privateKey ?? '',
        publicKey: publicKey ?? '',
        issuer: e.JWT_ISSUER,
        audience: e.JWT_AUDIENCE,
      },
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      // Emails are stored lower-cased (registration normalises them), so the list is too.
      operatorEmails: new Set(
        e.OPERATOR_EMAILS.split(',')
          .map((s) => s.trim().toLowerCase())
          .filter(Boolean),
      ),
    };
  });

/** The gateway's configuration, parsed once. */
export type GatewayEnv = z.output<typeof schema>;

/** Reads and validates the gateway's environment; throws naming every bad key. */
export function gatewayEnv(source: NodeJS.ProcessEnv = process.env): Readonly<GatewayEnv> {
  return loadEnv(schema, source);
}
