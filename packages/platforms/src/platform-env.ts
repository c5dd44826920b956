import { z } from 'zod';
import { type PlatformConnector } from './connector';
import { createFacebookConnector } from './facebook/facebook-connector';
import { createFacebookOAuth } from './facebook/facebook-oauth';
import { createInstagramConnector } from './instagram/instagram-connector';
import { createInstagramOAuth } from './instagram/instagram-oauth';
import { createLinkedInConnector } from './linkedin/linkedin-connector';
import { createLinkedInOAuth } from './linkedin/linkedin-oauth';
import { type OAuthClientConfig, type PlatformOAuth } from './oauth/oauth';
import { type Platform, PLATFORMS } from './platform';
import { createXConnector } from './x/x-connector';
import { createXOAuth } from './x/x-oauth';

const optional = z.string().min(1).optional();

/**
 * Where each platform lives and its OAuth client, for every service that talks to platforms (worker
 * and gateway). Base URLs default to production and point at the emulators in sandbox mode and tests.
 */
export const platformEnv = {
  X_API_BASE_URL: z.url().default('https://api.x.com'),
  X_UPLOAD_BASE_URL: z.url().optional(),
  X_OAUTH_BASE_URL: z.url().default('https://x.com'),
  X_CLIENT_ID: optional,
  X_CLIENT_SECRET: optional,
  LINKEDIN_API_BASE_URL: z.url().default('https://api.linkedin.com'),
  LINKEDIN_OAUTH_BASE_URL: z.url().default('https://www.linkedin.com'),
  LINKEDIN_CLIENT_ID: optional,
  LINKEDIN_CLIENT_SECRET: optional,
  FACEBOOK_GRAPH_BASE_URL: z.url().default('https://graph.facebook.com'),
  FACEBOOK_GRAPH_VIDEO_BASE_URL: z.url().default('https://graph-video.facebook.com'),
  FACEBOOK_DIALOG_BASE_URL: z.url().default('https://www.facebook.com'),
  FACEBOOK_CLIENT_ID: optional,
  FACEBOOK_CLIENT_SECRET: optional,
  INSTAGRAM_GRAPH_BASE_URL: z.url().default('https://graph.instagram.com'),
  INSTAGRAM_OAUTH_BASE_URL: z.url().default('https://api.instagram.com'),
  INSTAGRAM_CLIENT_ID: optional,
  INSTAGRAM_CLIENT_SECRET: optional,
  /**
   * The platforms `npm start` points at its emulators because they have no client credentials
   * (comma-separated): accounts connected to them are sandbox accounts.
   */
  SANDBOX_PLATFORMS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(PLATFORMS))),
};

const schema = z.object(platformEnv);

/** The parsed platform configuration. */
export type PlatformEnv = z.output<typeof schema>;

/** Parses the platform keys of `source`; throws naming every bad key. */
export function loadPlatformEnv(source: NodeJS.ProcessEnv = process.env): PlatformEnv {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  const keys = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new Error(`invalid platform configuration: ${keys.join('; ')}`);
}

const client = (id: string | undefined, secret: string | undefined): OAuthClientConfig | undefined =>
  id && secret ? { clientId: id, clientSecret: secret } : undefined;

/** Every connector the platforms package has, configured from `env`. */
export function createConnectorsFromEnv(env: PlatformEnv): Partial<Record<Platform, PlatformConnector>> {
  return {
    x: createXConnector({
      baseUrl: env.X_API_BASE_URL,
      ...(env.X_UPLOAD_BASE_URL ? { uploadBaseUrl: env.X_UPLOAD_BASE_URL } : {}),
    }),
    linkedin: createLinkedInConnector({
      baseUrl: env.LINKEDIN_API_BASE_URL,
      oauthBaseUrl: env.LINKEDIN_OAUTH_BASE_URL,
    }),
    facebook: createFacebookConnector({
      baseUrl: env.FACEBOOK_GRAPH_BASE_URL,
      videoBaseUrl: env.FACEBOOK_GRAPH_VIDEO_BASE_URL,
    }),
    instagram: createInstagramConnector({
      baseUrl: env.INSTAGRAM_GRAPH_BASE_URL,
      oauthBaseUrl: env.INSTAGRAM_OAUTH_BASE_URL,
    }),
  };
}

/** The OAuth of each platform whose client id and secret are set. */
export function createOAuthFromEnv(env: PlatformEnv): Partial<Record<Platform, PlatformOAuth>> {
  const out: Partial<Record<Platform, PlatformOAuth>> = {};
  const x = client(env.X_CLIENT_ID, env.X_CLIENT_SECRET);
  if (x)
    out.x = createXOAuth({ baseUrl: env.X_API_BASE_URL, authorizeBaseUrl: env.X_OAUTH_BASE_URL, oauth: x });
  const linkedin = client(env.LINKEDIN_CLIENT_ID, env.LINKEDIN_CLIENT_SECRET);
  if (linkedin)
    out.linkedin = createLinkedInOAuth({
      baseUrl: env.LINKEDIN_API_BASE_URL,
      oauthBaseUrl: env.LINKEDIN_OAUTH_BASE_URL,
      oauth: linkedin,
    });
  const facebook = client(env.FACEBOOK_CLIENT_ID, env.FACEBOOK_CLIENT_SECRET);
  if (facebook) {
    out.facebook = createFacebookOAuth({
      baseUrl: env.FACEBOOK_GRAPH_BASE_URL,
      dialogBaseUrl: env.FACEBOOK_DIALOG_BASE_URL,
      oauth: facebook,
    });
  }
  const instagram = client(env.INSTAGRAM_CLIENT_ID, env.INSTAGRAM_CLIENT_SECRET);
  if (instagram) {
    out.instagram = createInstagramOAuth({
      baseUrl: env.INSTAGRAM_GRAPH_BASE_URL,
      oauthBaseUrl: env.INSTAGRAM_OAUTH_BASE_URL,
      oauth: instagram,
    });
  }
  return out;
}
