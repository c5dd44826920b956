import { ROLES } from '@vibetribe/database';
import { email, text, z } from '../../lib/zod';

export const OrgParams = z.strictObject({ orgId: z.uuid() });
export const MemberParams = z.strictObject({ orgId: z.uuid(), userId: z.uuid() });

export const CreateOrgBody = z
  .strictObject({ name: text({ min: 1, max: 120, notBlank: true }) })
  .openapi('CreateOrganizationRequest');
export const UpdateOrgBody = z
  .strictObject({ name: text({ min: 1, max: 120, notBlank: true }) })
  .openapi('UpdateOrganizationRequest');

export const InviteBody = z
  .strictObject({
    email,
    role: z.enum(ROLES).exclude(['owner']),
  })
  .openapi('InviteMemberRequest');
export const ChangeRoleBody = z.strictObject({ role: z.enum(ROLES) }).openapi('ChangeRoleRequest');

export const OrganizationSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    role: z.enum(ROLES),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Organization');
export const MemberSchema = z
  .object({
    user_id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    joined_at: z.string(),
  })
  .openapi('Member');
