import { z } from 'zod';

/** `POST /2/tweets` → 201. */
export const createTweetResponse = z.object({ data: z.object({ id: z.string(), text: z.string() }) });

const processingInfo = z.object({
  state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
  check_after_secs: z.number().optional(),
  progress_percent: z.number().optional(),
  error: z
    .object({ code: z.number().optional(), name: z.string().optional(), message: z.string().optional() })
    .optional(),
});

/** Media processing as STATUS and FINALIZE report it. */
export type XProcessingInfo = z.infer<typeof processingInfo>;

/** Simple upload, INIT, FINALIZE and STATUS all answer with this. */
export const mediaResponse = z.object({
  data: z.object({
    id: z.string(),
    media_key: z.string().optional(),
    expires_after_secs: z.number().optional(),
    processing_info: processingInfo.optional(),
  }),
});

/** APPEND and metadata answers carry nothing we use. */
export const anyResponse = z.unknown();

const tweet = z.object({
  id: z.string(),
  text: z.string(),
  created_at: z.string().optional(),
  entities: z
    .object({
      urls: z
        .array(
          z.object({
            url: z.string(),
            expanded_url: z.string().optional(),
            media_key: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** A post as the timeline returns it. */
export type XTimelineTweet = z.infer<typeof tweet>;

/** `GET /2/users/:id/tweets`; `data` is absent on an empty page. */
export const timelineResponse = z.object({
  data: z.array(tweet).optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().optional() }).optional(),
});

const apiError = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
});

/** `GET /2/tweets/:id?tweet.fields=public_metrics`; a missing post is 200 with `errors` and no `data`. */
export const tweetMetricsResponse = z.object({
  data: z
    .object({
      id: z.string(),
      public_metrics: z.object({
        retweet_count: z.number(),
        reply_count: z.number(),
        like_count: z.number(),
        quote_count: z.number().optional(),
        bookmark_count: z.number().optional(),
        impression_count: z.number().optional(),
      }),
    })
    .optional(),
  errors: z.array(apiError).optional(),
});

/** `POST /2/oauth2/token` → 200. */
export const xTokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().optional(),
  scope: z.string().optional(),
});

/** `GET /2/users/me`. */
export const xUserMe = z.object({ data: z.object({ id: z.string(), username: z.string() }) });
