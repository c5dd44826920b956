import { ACCOUNT_STATUSES } from '@vibetribe/database';
import { PLATFORMS } from '@vibetribe/platforms';
import { z } from '../../lib/zod';

export const AccountParams = z.strictObject({ orgId: z.uuid(), accountId: z.uuid() });

export const ConnectAccountBody = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    external_id: z.string().trim().min(1).max(128),
    display_name: z.string().trim().min(1).max(200),
    access_token: z.string().min(1).max(4096),
    refresh_token: z.string().min(1).max(4096).optional(),
    token_expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('ConnectAccountRequest');

export const AccountSchema = z
  .object({
    id: z.uuid(),
    organization_id: z.uuid(),
    platform: z.enum(PLATFORMS),
    external_id: z.string(),
    display_name: z.string(),
    status: z.enum(ACCOUNT_STATUSES),
    token_expires_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('SocialAccount');
