import { readFileSync } from 'node:fs';
import { commonEnv, jwtKeyringProblem, loadEnv, portVar } from '@vibetribe/runtime';
import { z } from 'zod';

const pem = z.string().refine((s) => s.includes('-----BEGIN'), 'must be a PEM key');

const schema = z
  .object({
    ...commonEnv,
    REALTIME_PORT: portVar(3001),
    JWT_PUBLIC_KEY: pem.optional(),
    JWT_PUBLIC_KEY_FILE: z.string().optional(),
    JWT_ISSUER: z.string().default('vibetribe'),
    JWT_AUDIENCE: z.string().default('vibetribe-api'),
    CORS_ORIGINS: z.string().default('http://localhost:5173'),
    // How often each socket's memberships and token expiry are checked again, and its presence refreshed.
    REALTIME_RECHECK_S: z.coerce.number().int().min(1).max(300).default(30),
    // How long a client may be away and still be replayed what it missed; longer, it resyncs over REST.
    REALTIME_REPLAY_WINDOW_S: z.coerce.number().int().min(1).max(3600).default(120),
  })
  .transform((e, ctx) => {
    let publicKey = e.JWT_PUBLIC_KEY;
    if (!publicKey && e.JWT_PUBLIC_KEY_FILE) {
      try {
        publicKey = readFileSync(e.JWT_PUBLIC_KEY_FILE, 'utf8');
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_PUBLIC_KEY_FILE'],
          message: `cannot read ${e.JWT_PUBLIC_KEY_FILE}`,
        });
      }
    }
    if (!publicKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PUBLIC_KEY'],
        message: 'set JWT_PUBLIC_KEY or JWT_PUBLIC_KEY_FILE',
      });
    } else {
      const problem = jwtKeyringProblem(publicKey);
      if (problem) ctx.addIssue({ code: 'custom', path: ['JWT_PUBLIC_KEY'], message: problem });
    }
    return {
      ...e,
      jwt: { publicKey: publicKey ?? '', issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
      corsOrigins: e.CORS_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
  });

/** The realtime service's configuration, parsed once. */
export type RealtimeEnv = z.output<typeof schema>;

/** Reads and validates the realtime environment; throws naming every bad key. */
export function realtimeEnv(source: NodeJS.ProcessEnv = process.env): Readonly<RealtimeEnv> {
  return loadEnv(schema, source);
}
