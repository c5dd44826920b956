import { ACCOUNT_STATUSES } from '@vibetribe/database';
import { PLATFORMS } from '@vibetribe/platforms';
import { text, z } from '../../lib/zod';

export const AccountParams = z.strictObject({ orgId: z.uuid(), accountId: z.uuid() });

export const ConnectAccountBody = z
  .strictObject({
    platform: z.enum(PLATFORMS),
    external_id: text({ min: 1, max: 128, notBlank: true }),
    display_name: text({ min: 1, max: 200, notBlank: true }),
    access_token: text({ min: 1, max: 4096 }),
    refresh_token: text({ min: 1, max: 4096 }).optional(),
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
    sandbox: z.boolean().openapi({
      description: 'Connected through a platform emulator (sandbox mode); its posts never reach the platform',
    }),
    created_at: z.string(),
  })
  .openapi('SocialAccount');
