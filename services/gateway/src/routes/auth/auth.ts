import Router from '@koa/router';
import argon2 from 'argon2';
import { Membership, Organization, User } from '@vibetribe/database';
import type { AppState, GatewayDeps } from '../../context';
import { conflict, invalidCredentials, unauthenticated } from '../../errors';
import { routeGroup } from '../../lib/api';
import { slugify } from '../../lib/slug';
import { z } from '../../lib/zod';
import { presentUser } from './presenters';
import { LoginBody, MeSchema, RefreshBody, RegisterBody, TokenPairSchema } from './schema';
import { issueSession, revokeSession, rotateSession } from './sessions';

// A real hash to compare against when the email is unknown, so timing does not reveal which emails exist.
const DUMMY_HASH = argon2.hash('not-a-real-password-0000');

/** `/auth`: register, login, refresh, logout, me. */
export function authRoutes(deps: GatewayDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/auth' });
  const ttl = deps.env.REFRESH_TOKEN_TTL_DAYS;
  const prefix = '/api/v1/auth';
  const route = routeGroup(router, prefix);

  route({
    method: 'post',
    path: '/register',
    summary: 'Create an account and its first organization',
    tags: ['auth'],
    auth: false,
    request: { body: RegisterBody },
    responses: { 201: { description: 'Signed in', schema: TokenPairSchema } },
    handler: async (ctx) => {
      const body = ctx.state.input.body;
      const hash = await argon2.hash(body.password, { type: argon2.argon2id });
      const session = await ctx.state.em.transactional(async (em) => {
        if (await em.count(User, { email: body.email }))
          throw conflict('email-taken', 'An account with this email exists.');
        const user = new User(body.email, body.name, hash);
        const org = new Organization(
          body.organization_name ?? `${body.name}'s team`,
          slugify(body.organization_name ?? body.name),
        );
        em.persist([user, org, new Membership(user, org, 'owner')]);
        return issueSession(em, deps.tokens, user, ttl);
      });
      ctx.status = 201;
      ctx.body = session;
    },
  });

  route({
    method: 'post',
    path: '/login',
    summary: 'Sign in with email and password',
    tags: ['auth'],
    auth: false,
    request: { body: LoginBody },
    responses: { 200: { description: 'Signed in', schema: TokenPairSchema } },
    handler: async (ctx) => {
      const { email, password } = ctx.state.input.body;
      const user = await ctx.state.em.findOne(User, { email }, { populate: ['passwordHash'] });
      const ok = await argon2.verify(user?.passwordHash ?? (await DUMMY_HASH), password);
      if (!user || !ok) throw invalidCredentials();
      ctx.body = await issueSession(ctx.state.em, deps.tokens, user, ttl);
    },
  });

  route({
    method: 'post',
    path: '/refresh',
    summary: 'Rotate a refresh token for a new token pair',
    tags: ['auth'],
    auth: false,
    request: { body: RefreshBody },
    responses: {
      200: { description: 'New tokens; the presented refresh token is spent', schema: TokenPairSchema },
    },
    handler: async (ctx) => {
      ctx.body = await rotateSession(ctx.state.em, deps.tokens, ctx.state.input.body.refresh_token, ttl);
    },
  });

  route({
    method: 'post',
    path: '/logout',
    summary: "Revoke a refresh token's whole family",
    tags: ['auth'],
    auth: true,
    request: { body: RefreshBody },
    responses: { 204: { description: 'Signed out' } },
    handler: async (ctx) => {
      await revokeSession(ctx.state.em, ctx.state.input.body.refresh_token);
      ctx.status = 204;
    },
  });

  route({
    method: 'get',
    path: '/me',
    summary: 'The signed-in user and their organizations',
    tags: ['auth'],
    auth: true,
    request: { query: z.strictObject({}) },
    responses: { 200: { description: 'Me', schema: MeSchema } },
    handler: async (ctx) => {
      const em = ctx.state.em;
      const user = await em.findOne(User, { id: ctx.state.user!.id });
      if (!user) throw unauthenticated('The account no longer exists.');
      const memberships = await em.find(
        Membership,
        { user: user.id },
        { populate: ['organization'], orderBy: { createdAt: 'asc' } },
      );
      ctx.body = {
        user: presentUser(user),
        organizations: memberships.map((m) => ({
          id: m.organization.id,
          name: m.organization.name,
          slug: m.organization.slug,
          role: m.role,
        })),
      };
    },
  });

  return router;
}
