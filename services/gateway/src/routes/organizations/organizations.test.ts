import { startTestGateway, type TestGateway } from '../../test-support/harness';
import { tokenContext } from '@vibetribe/runtime';

let gw: TestGateway;
type Member = Awaited<ReturnType<TestGateway['register']>>;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

describe('organizations, members and accounts', () => {
  test('create, list, get, rename; add, list, re-role and remove members', async () => {
    const owner = await gw.register('Owner');
    const created = await gw.api('POST', '/api/v1/organizations', {
      token: owner.token,
      body: { name: 'Acme Social' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Acme Social', role: 'owner' });
    expect(created.body.slug).toMatch(/^acme-social-[0-9a-f]{6}$/);
    const orgId = created.body.id as string;

    const mine = await gw.api('GET', '/api/v1/organizations', { token: owner.token });
    expect(mine.body.data.map((o: { id: string }) => o.id)).toEqual([owner.orgId, orgId]);

    const renamed = await gw.api('PATCH', `/api/v1/organizations/${orgId}`, {
      token: owner.token,
      body: { name: 'Acme' },
    });
    expect(renamed.status).toBe(200);
    expect((await gw.api('GET', `/api/v1/organizations/${orgId}`, { token: owner.token })).body.name).toBe(
      'Acme',
    );

    const friend = await gw.register('Friend');
    const added = await gw.api('POST', `/api/v1/organizations/${orgId}/members`, {
      token: owner.token,
      body: { email: friend.email, role: 'editor' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ user_id: friend.userId, role: 'editor' });
    const again = await gw.api('POST', `/api/v1/organizations/${orgId}/members`, {
      token: owner.token,
      body: { email: friend.email, role: 'viewer' },
    });
    expect(again.status).toBe(409);
    const stranger = await gw.api('POST', `/api/v1/organizations/${orgId}/members`, {
      token: owner.token,
      body: { email: 'nobody@example.test', role: 'viewer' },
    });
    expect(stranger.status).toBe(422);

    const members = await gw.api('GET', `/api/v1/organizations/${orgId}/members`, { token: friend.token });
    expect(members.body.data.map((m: { role: string }) => m.role).sort()).toEqual(['editor', 'owner']);

    expect(
      (
        await gw.api('PATCH', `/api/v1/organizations/${orgId}/members/${friend.userId}`, {
          token: owner.token,
          body: { role: 'admin' },
        })
      ).body.role,
    ).toBe('admin');
    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${orgId}/members/${friend.userId}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(204);
    expect((await gw.api('GET', `/api/v1/organizations/${orgId}`, { token: friend.token })).status).toBe(404);
  });

  test('a member can leave; the last owner cannot', async () => {
    const owner = await gw.register();
    const member = await gw.register();
    await gw.api('POST', `/api/v1/organizations/${owner.orgId}/members`, {
      token: owner.token,
      body: { email: member.email, role: 'viewer' },
    });
    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/members/${member.userId}`, {
          token: member.token,
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/members/${owner.userId}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(409);
  });

  test('two owners demoting or removing each other at once leave one owner; the other gets 409', async () => {
    const setRole = (by: Member, orgId: string, who: Member, role: string) =>
      gw.api('PATCH', `/api/v1/organizations/${orgId}/members/${who.userId}`, {
        token: by.token,
        body: { role },
      });
    const demote = (by: Member, orgId: string, who: Member) => setRole(by, orgId, who, 'admin');
    const remove = (by: Member, orgId: string, who: Member) =>
      gw.api('DELETE', `/api/v1/organizations/${orgId}/members/${who.userId}`, { token: by.token });
    const races = [
      ['demote', demote, demote],
      ['remove', remove, remove],
      ['demote/remove', demote, remove],
    ] as const;
    for (const [name, first, second] of races) {
      for (let round = 0; round < 4; round++) {
        const a = await gw.register('A');
        const b = await gw.register('B');
        const orgId = a.orgId;
        await gw.api('POST', `/api/v1/organizations/${orgId}/members`, {
          token: a.token,
          body: { email: b.email, role: 'admin' },
        });
        expect((await setRole(a, orgId, b, 'owner')).status).toBe(200);

        const results = await Promise.all([first(a, orgId, b), second(b, orgId, a)]);
        const owners = await gw.deps.orm.em
          .fork()
          .getConnection()
          .execute<{ n: string }[]>(
            "select count(*) as n from memberships where organization_id = ? and role = 'owner'",
            [orgId],
          );
        // Sorted, the winner's 200 (demoted) or 204 (removed) comes before the loser's 409.
        const statuses = results.map((r) => r.status).sort();
        const context = `${name} #${round}: ${JSON.stringify(results.map((r) => r.body))}`;
        expect({ context, owners: Number(owners[0]!.n) }).toEqual({ context, owners: 1 });
        expect({ context, loser: statuses[1] }).toEqual({ context, loser: 409 });
        expect([200, 204]).toContain(statuses[0]);
        const loser = results.find((r) => r.status === 409)!;
        expect(loser.headers.get('content-type')).toContain('application/problem+json');
        expect(loser.body.type).toMatch(/\/(membership-changed|last-owner)$/);
      }
    }
  });

  test('accounts: connect (tokens encrypted at rest, never returned), list, refuse a duplicate, disconnect', async () => {
    const owner = await gw.register();
    const body = {
      platform: 'x',
      external_id: '42',
      display_name: '@acme',
      access_token: 'plain-access',
      refresh_token: 'plain-refresh',
    };
    const connected = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
      token: owner.token,
      body,
    });
    expect(connected.status).toBe(201);
    expect(JSON.stringify(connected.body)).not.toMatch(/plain-/);
    const rows = await gw.deps.orm.em
      .fork()
      .getConnection()
      .execute<{ access_token_enc: string; refresh_token_enc: string }[]>(
        'select access_token_enc, refresh_token_enc from social_accounts where id = ?',
        [connected.body.id],
      );
    expect(rows[0]!.access_token_enc).not.toContain('plain-access');
    const context = tokenContext(owner.orgId, connected.body.id);
    expect(gw.deps.secrets.decrypt(rows[0]!.access_token_enc, context)).toBe('plain-access');
    expect(gw.deps.secrets.decrypt(rows[0]!.refresh_token_enc, context)).toBe('plain-refresh');

    expect(
      (await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token, body }))
        .status,
    ).toBe(409);
    const list = await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token });
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: connected.body.id, platform: 'x', status: 'connected' }),
    ]);
    expect(
      (
        await gw.api('DELETE', `/api/v1/organizations/${owner.orgId}/accounts/${connected.body.id}`, {
          token: owner.token,
        })
      ).status,
    ).toBe(204);
    // Kept, with its history, as disconnected; its tokens are gone.
    expect(
      (await gw.api('GET', `/api/v1/organizations/${owner.orgId}/accounts`, { token: owner.token })).body
        .data,
    ).toEqual([expect.objectContaining({ id: connected.body.id, status: 'disconnected' })]);
  });

  test('unknown routes and methods are problem documents', async () => {
    const owner = await gw.register();
    const missing = await gw.api('GET', '/api/v1/nope', { token: owner.token });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const method = await gw.api('PATCH', '/api/v1/posts', { token: owner.token, body: {} });
    expect(method.status).toBe(405);
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
