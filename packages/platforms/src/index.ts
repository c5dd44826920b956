export * from './platform';
export * from './validation/types';
export {
  PLATFORM_LIMITS,
  resolveLimits,
  type MediaKindLimits,
  type PlatformLimits,
} from './validation/limits';
export { countText, countGraphemes, countUtf8Bytes, type TextCount } from './validation/count-text';
export { validateForPlatform } from './validation/validate';
export { mastodonLimits, type MastodonInstanceConfiguration } from './validation/mastodon-instance';
export * from './errors';
export * from './connector';
export { createXConnector } from './x/x-connector';
export { type XConnectorConfig } from './x/x-config';
export { createXOAuth, type XOAuthConfig } from './x/x-oauth';
export { normalizeForMatch } from './x/x-match';
export * from './oauth/oauth';
export { createPkcePair } from './oauth/pkce';
export { createLinkedInConnector } from './linkedin/linkedin-connector';
export { createLinkedInOAuth } from './linkedin/linkedin-oauth';
export { type LinkedInConnectorConfig } from './linkedin/linkedin-config';
export { createFacebookConnector } from './facebook/facebook-connector';
export { createFacebookOAuth } from './facebook/facebook-oauth';
export { type FacebookConnectorConfig } from './facebook/facebook-config';
export { createInstagramConnector } from './instagram/instagram-connector';
export { createInstagramOAuth } from './instagram/instagram-oauth';
export { type InstagramConnectorConfig } from './instagram/instagram-config';
export {
  platformEnv,
  loadPlatformEnv,
  createConnectorsFromEnv,
  createOAuthFromEnv,
  type PlatformEnv,
} from './platform-env';
