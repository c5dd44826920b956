import { z } from 'zod';

/** Anything Graph answers with an id. */
export const withId = z.object({ id: z.string() });

/** `GET /{video}?fields=status`. */
export const videoStatus = z.object({ status: z.object({ video_status: z.string() }) });

/** `GET /{page}/feed`. */
export const feed = z.object({
  data: z.array(
    z.object({ id: z.string(), message: z.string().optional(), permalink_url: z.string().optional() }),
  ),
});

const summary = z.object({ summary: z.object({ total_count: z.number() }) }).optional();

/** `GET /{post}?fields=reactions.summary(total_count),comments.summary(total_count),shares`. */
export const postMetrics = z.object({
  reactions: summary,
  comments: summary,
  shares: z.object({ count: z.number() }).optional(),
});

/** The token endpoint's answer. */
export const tokenResponse = z.object({ access_token: z.string(), expires_in: z.number().optional() });

/** `GET /me/accounts`. */
export const pages = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      access_token: z.string(),
      tasks: z.array(z.string()).optional(),
    }),
  ),
});

/** Any answer whose body we do not read. */
export const anything = z.unknown();
