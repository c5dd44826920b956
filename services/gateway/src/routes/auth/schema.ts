import { email, text, z } from '../../lib/zod';

const password = text({ min: 10, max: 256 });

export const RegisterBody = z
  .strictObject({
    email,
    password,
    name: text({ min: 1, max: 120, notBlank: true }),
    organization_name: text({ min: 1, max: 120, notBlank: true }).optional(),
  })
  .openapi('RegisterRequest');

export const LoginBody = z
  .strictObject({ email, password: text({ min: 1, max: 256 }) })
  .openapi('LoginRequest');

export const RefreshBody = z
  .strictObject({ refresh_token: text({ min: 20, max: 200 }) })
  .openapi('RefreshRequest');

export const UserSchema = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), created_at: z.string() })
  .openapi('User');

export const TokenPairSchema = z
  .object({
    token_type: z.literal('Bearer'),
    access_token: z.string(),
    expires_in: z.number().int(),
    refresh_token: z.string(),
    user: UserSchema,
  })
  .openapi('TokenPair');

export const MeSchema = z
  .object({
    user: UserSchema,
    organizations: z.array(z.object({ id: z.uuid(), name: z.string(), slug: z.string(), role: z.string() })),
  })
  .openapi('Me');
