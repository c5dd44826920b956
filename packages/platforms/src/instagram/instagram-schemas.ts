import { z } from 'zod';

/** Anything Graph answers with an id. */
export const withId = z.object({ id: z.string() });

/** `GET /{container}?fields=status_code,status`. */
export const containerStatus = z.object({ status_code: z.string(), status: z.string().optional() });

/** `GET /{media}?fields=permalink`. */
export const permalink = z.object({ permalink: z.string().optional() });

/** `GET /{ig-user}/media`. */
export const mediaList = z.object({
  data: z.array(
    z.object({ id: z.string(), caption: z.string().optional(), permalink: z.string().optional() }),
  ),
});

/** `GET /{media}/insights`. */
export const insights = z.object({
  data: z.array(z.object({ name: z.string(), values: z.array(z.object({ value: z.number() })) })),
});

/** The code exchange (short-lived) and the long-lived and refresh grants. */
export const tokenResponse = z.object({ access_token: z.string(), expires_in: z.number().optional() });

/** `GET /me?fields=user_id,username,account_type`. */
export const me = z.object({
  user_id: z.string(),
  username: z.string(),
  account_type: z.string().optional(),
});
