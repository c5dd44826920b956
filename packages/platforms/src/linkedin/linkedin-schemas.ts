import { z } from 'zod';

/** `POST /rest/images?action=initializeUpload`. */
export const imageInit = z.object({ value: z.object({ uploadUrl: z.string(), image: z.string() }) });

/** `POST /rest/videos?action=initializeUpload`. */
export const videoInit = z.object({
  value: z.object({
    video: z.string(),
    uploadToken: z.string().optional(),
    uploadInstructions: z.array(
      z.object({ uploadUrl: z.string(), firstByte: z.number(), lastByte: z.number() }),
    ),
  }),
});

/** `GET /rest/videos/{urn}`. */
export const videoStatus = z.object({ status: z.string() });

/** `GET /rest/posts?q=author`. */
export const postsByAuthor = z.object({
  elements: z.array(
    z.object({ id: z.string(), commentary: z.string().optional(), createdAt: z.number().optional() }),
  ),
});

/** `GET /rest/socialActions/{urn}`. */
export const socialActions = z.object({
  likesSummary: z.object({ totalLikes: z.number() }).optional(),
  commentsSummary: z.object({ aggregatedTotalComments: z.number() }).optional(),
});

/** The token endpoint's answer. */
export const tokenResponse = z.object({
  access_token: z.string(),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
});

/** `GET /v2/userinfo`. */
export const userinfo = z.object({ sub: z.string(), name: z.string().optional() });

/** `GET /rest/organizationAcls?q=roleAssignee`. */
export const organizationAcls = z.object({
  elements: z.array(z.object({ organization: z.string(), role: z.string(), state: z.string().optional() })),
});

/** `GET /rest/organizations/{id}`. */
export const organization = z.object({ localizedName: z.string().optional() });

/** Any answer whose body we do not read. */
export const anything = z.unknown();
