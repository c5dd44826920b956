import { PLATFORMS } from '@vibetribe/platforms';
import { z } from '../../lib/zod';
import { OrgParams } from '../organizations/schema';

/** `:platform` of the OAuth routes. */
export const OAuthPlatform = z.enum(PLATFORMS);

/** `/organizations/:orgId/accounts/:platform/connect`. */
export const ConnectParams = OrgParams.extend({ platform: OAuthPlatform }).strict();

/** Where to send the browser, and until when the state is good. */
export const ConnectResponse = z
  .object({ authorize_url: z.url(), state_expires_at: z.iso.datetime() })
  .strict()
  .openapi('OAuthConnect');

/** `/oauth/:platform/callback`. */
export const CallbackParams = z.object({ platform: OAuthPlatform }).strict();

/** What the platform appends to the redirect URI: a code, or an error; `state` always. Not strict: platforms add their own parameters. */
export const CallbackQuery = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
  error_reason: z.string().max(200).optional(),
});

/** `/organizations/:orgId/accounts/facebook/selections/:selectionId`. */
export const SelectionParams = OrgParams.extend({ selectionId: z.string().min(1).max(100) }).strict();

/** The pages a Facebook connect found, to choose from (no tokens). */
export const PageSelectionResponse = z
  .object({
    pages: z.array(z.object({ page_id: z.string(), display_name: z.string(), kind: z.string() }).strict()),
    expires_at: z.iso.datetime(),
  })
  .strict()
  .openapi('FacebookPageSelection');

/** The pages to connect, by their ids from the selection. */
export const ChoosePagesBody = z
  .strictObject({ page_ids: z.array(z.string().min(1).max(128)).min(1).max(100) })
  .openapi('FacebookPageChoice');
