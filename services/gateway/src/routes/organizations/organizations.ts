import Router from '@koa/router';
import {
  type EntityManager,
  Membership,
  type Organization,
  Organization as OrganizationEntity,
  type Role,
  runStatement,
  statement,
  User,
} from '@vibetribe/database';
import type { AppState } from '../../context';
import { conflict, forbidden, notFound, unprocessable } from '../../errors';
import { requireRole } from '../../lib/access';
import { routeGroup } from '../../lib/api';
import { IdempotencyHeaders, withIdempotency } from '../../lib/idempotency';
import { slugify } from '../../lib/slug';
import { z } from '../../lib/zod';
import {
  ChangeRoleBody,
  CreateOrgBody,
  InviteBody,
  MemberParams,
  MemberSchema,
  OrganizationSchema,
  OrgParams,
  UpdateOrgBody,
} from './schema';

const presentOrg = (org: Organization, role: Role) => ({
  id: org.id,
  name: org.name,
  slug: org.slug,
  role,
  created_at: org.createdAt.toISOString(),
  updated_at: org.updatedAt.toISOString(),
});

const presentMember = (m: Membership) => ({
  user_id: m.user.id,
  email: m.user.email,
  name: m.user.name,
  role: m.role,
  joined_at: m.createdAt.toISOString(),
});

/** An organization always keeps at least one owner. */
async function assertNotLastOwner(em: EntityManager, target: Membership): Promise<void> {
  if (target.role !== 'owner') return;
  const owners = await em.count(Membership, { organization: target.organization.id, role: 'owner' });
  if (owners <= 1) throw conflict('last-owner', 'An organization needs at least one owner.');
}

// NO KEY UPDATE: it orders member changes without holding back inserts that only reference the
// organization (posts, accounts, invitations).
const lockOrganization = statement(
  'lock_organization_members',
  'SELECT 1 FROM organizations WHERE id = ? FOR NO KEY UPDATE',
);

/**
 * The caller's membership for a change of `orgId`'s members, inside `tx`, holding the organization's row
 * lock until it commits: changes of one organization's members take turns, so the owners a change counts
 * are the owners it commits against (two owners demoting each other cannot leave none). A caller whose
 * own membership another change altered while it waited gets 409 membership-changed.
 */
async function lockMembers(tx: EntityManager, userId: string, orgId: string, min: Role): Promise<Membership> {
  const seen = await requireRole(tx, userId, orgId, min);
  const roleSeen = seen.role;
  await runStatement(tx, lockOrganization, [orgId]);
  const now = await tx.findOne(
    Membership,
    { user: userId, organization: orgId },
    { populate: ['organization'], refresh: true },
  );
  if (!now || now.role !== roleSeen) {
    throw conflict(
      'membership-changed',
      'Your membership of this organization changed while this request ran (another member changed it at the same moment); nothing was changed.',
      { role: now?.role ?? null },
    );
  }
  return now;
}

/** `/organizations`: create, list mine, get, update, and members. */
export function organizationRoutes(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/organizations' });
  const prefix = '/api/v1/organizations';
  const route = routeGroup(router, prefix);
  const tags = ['organizations'];

  route({
    method: 'post',
    path: '/',
    summary: 'Create an organization (you become its owner)',
    tags,
    auth: true,
    request: { body: CreateOrgBody },
    headers: IdempotencyHeaders,
    responses: { 201: { description: 'Created', schema: OrganizationSchema } },
    handler: (ctx) =>
      withIdempotency(ctx, async (em) => {
        const user = em.getReference(User, ctx.state.user!.id);
        const org = new OrganizationEntity(ctx.state.input.body.name, slugify(ctx.state.input.body.name));
        em.persist([org, new Membership(user, org, 'owner')]);
        await em.flush();
        return { status: 201, body: presentOrg(org, 'owner') };
      }),
  });

  route({
    method: 'get',
    path: '/',
    summary: 'Organizations you belong to',
    tags,
    auth: true,
    request: { query: z.strictObject({}) },
    responses: { 200: { description: 'Yours', schema: z.object({ data: z.array(OrganizationSchema) }) } },
    handler: async (ctx) => {
      const ms = await ctx.state.em.find(
        Membership,
        { user: ctx.state.user!.id },
        { populate: ['organization'], orderBy: { createdAt: 'asc' } },
      );
      ctx.body = { data: ms.map((m) => presentOrg(m.organization, m.role)) };
    },
  });

  route({
    method: 'get',
    path: '/:orgId',
    summary: 'One organization',
    tags,
    auth: true,
    request: { params: OrgParams },
    responses: { 200: { description: 'The organization', schema: OrganizationSchema } },
    handler: async (ctx) => {
      const m = await requireRole(ctx.state.em, ctx.state.user!.id, ctx.state.input.params.orgId, 'viewer');
      ctx.body = presentOrg(m.organization, m.role);
    },
  });

  route({
    method: 'patch',
    path: '/:orgId',
    summary: 'Rename an organization (admin)',
    tags,
    auth: true,
    request: { params: OrgParams, body: UpdateOrgBody },
    responses: { 200: { description: 'Updated', schema: OrganizationSchema } },
    handler: async (ctx) => {
      const em = ctx.state.em;
      const m = await requireRole(em, ctx.state.user!.id, ctx.state.input.params.orgId, 'admin');
      m.organization.name = ctx.state.input.body.name;
      await em.flush();
      ctx.body = presentOrg(m.organization, m.role);
    },
  });

  route({
    method: 'get',
    path: '/:orgId/members',
    summary: 'Members and their roles',
    tags,
    auth: true,
    request: { params: OrgParams },
    responses: { 200: { description: 'Members', schema: z.object({ data: z.array(MemberSchema) }) } },
    handler: async (ctx) => {
      const em = ctx.state.em;
      const { orgId } = ctx.state.input.params;
      await requireRole(em, ctx.state.user!.id, orgId, 'viewer');
      const ms = await em.find(
        Membership,
        { organization: orgId },
        { populate: ['user'], orderBy: { createdAt: 'asc' } },
      );
      ctx.body = { data: ms.map(presentMember) };
    },
  });

  route({
    method: 'post',
    path: '/:orgId/members',
    summary: 'Add a registered user to the organization (admin)',
    tags,
    auth: true,
    request: { params: OrgParams, body: InviteBody },
    headers: IdempotencyHeaders,
    responses: { 201: { description: 'Added', schema: MemberSchema } },
    handler: (ctx) =>
      withIdempotency(ctx, async (em) => {
        const { orgId } = ctx.state.input.params;
        const me = await requireRole(em, ctx.state.user!.id, orgId, 'admin');
        const user = await em.findOne(User, { email: ctx.state.input.body.email });
        if (!user)
          throw unprocessable(
            'user-not-registered',
            'No account has this email; ask them to register first.',
          );
        if (await em.count(Membership, { user: user.id, organization: orgId }))
          throw conflict('already-member', 'This user is already a member.');
        const membership = new Membership(user, me.organization, ctx.state.input.body.role);
        await em.persist(membership).flush();
        return { status: 201, body: presentMember(membership) };
      }),
  });

  route({
    method: 'patch',
    path: '/:orgId/members/:userId',
    summary: "Change a member's role (admin; owner roles need an owner)",
    tags,
    auth: true,
    request: { params: MemberParams, body: ChangeRoleBody },
    responses: { 200: { description: 'Changed', schema: MemberSchema } },
    handler: async (ctx) => {
      const em = ctx.state.em;
      const { orgId, userId } = ctx.state.input.params;
      const { role } = ctx.state.input.body;
      await em.transactional(async (tx) => {
        const me = await lockMembers(tx, ctx.state.user!.id, orgId, 'admin');
        const target = await tx.findOne(
          Membership,
          { user: userId, organization: orgId },
          { populate: ['user', 'organization'], refresh: true },
        );
        if (!target) throw notFound('Member');
        // The last owner first: an admin (an owner until a moment ago) learns why, not only that it may not.
        if (role !== 'owner') await assertNotLastOwner(tx, target);
        if ((target.role === 'owner' || role === 'owner') && me.role !== 'owner')
          throw forbidden('Only an owner can grant or take the owner role.');
        target.role = role;
        await tx.flush();
        ctx.body = presentMember(target);
      });
    },
  });

  route({
    method: 'delete',
    path: '/:orgId/members/:userId',
    summary: 'Remove a member (admin), or leave (yourself)',
    tags,
    auth: true,
    request: { params: MemberParams },
    responses: { 204: { description: 'Removed' } },
    handler: async (ctx) => {
      const { orgId, userId } = ctx.state.input.params;
      const self = userId === ctx.state.user!.id;
      await ctx.state.em.transactional(async (tx) => {
        const me = await lockMembers(tx, ctx.state.user!.id, orgId, self ? 'viewer' : 'admin');
        const target = self
          ? me
          : await tx.findOne(
              Membership,
              { user: userId, organization: orgId },
              { populate: ['organization'], refresh: true },
            );
        if (!target) throw notFound('Member');
        await assertNotLastOwner(tx, target);
        if (target.role === 'owner' && me.role !== 'owner')
          throw forbidden('Only an owner can remove an owner.');
        await tx.remove(target).flush();
      });
      ctx.status = 204;
    },
  });

  return router;
}
