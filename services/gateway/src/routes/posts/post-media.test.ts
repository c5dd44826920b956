import { Media, type MediaStatus, Organization } from '@vibetribe/database';
import { startTestGateway, type TestGateway } from '../../test-support/harness';

// A post may use media that are still processing: when it falls due it waits for them (MEDIA_WAIT_MS).
// Media that failed processing can never publish, so the post is refused with their reasons.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

async function medium(orgId: string, status: MediaStatus): Promise<string> {
  const em = gw.deps.orm.em.fork();
  const m = new Media(em.getReference(Organization, orgId), {
    kind: 'image',
    mime: 'image/png',
    bytes: 1_000,
    storage: 'local',
    publicId: `org/${orgId}/test/${status}.png`,
    url: `http://127.0.0.1:3000/files/org/${orgId}/test/${status}.png`,
    sha256: 'a'.repeat(64),
  });
  m.status = status;
  m.error = status === 'failed' ? 'the image cannot be read' : null;
  em.persist(m);
  await em.flush();
  return m.id;
}

describe('posts with media that are not ready', () => {
  let owner: Awaited<ReturnType<TestGateway['register']>>;
  let accountId: string;
  beforeAll(async () => {
    owner = await gw.register('Owner');
    const account = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
      token: owner.token,
      body: { platform: 'x', external_id: `x-${Date.now()}`, display_name: 'X', access_token: 't' },
    });
    accountId = account.body.id as string;
  });

  test('a medium still processing is accepted on a scheduled post', async () => {
    const mediaId = await medium(owner.orgId, 'processing');
    const res = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: {
        content: 'with a medium on its way',
        target_account_ids: [accountId],
        media_ids: [mediaId],
        scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'scheduled', media_ids: [mediaId] });
  });

  test('a medium that failed processing is refused with its reason, and nothing is written', async () => {
    const mediaId = await medium(owner.orgId, 'failed');
    const before = await gw.api('GET', '/api/v1/posts?limit=100', { token: owner.token });
    const res = await gw.api('POST', '/api/v1/posts', {
      token: owner.token,
      body: { content: 'with a broken medium', target_account_ids: [accountId], media_ids: [mediaId] },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.type).toMatch(/media-failed$/);
    expect(res.body.media).toEqual([{ id: mediaId, error: 'the image cannot be read' }]);
    const after = await gw.api('GET', '/api/v1/posts?limit=100', { token: owner.token });
    expect(after.body.data).toHaveLength(before.body.data.length);
  });
});
