import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Media, Organization } from '@vibetribe/database';
import {
  type KitEmulator,
  startFacebookEmulator,
  startInstagramEmulator,
  startLinkedInEmulator,
} from '@vibetribe/emulators';
import { imageFixture } from '@vibetribe/testing';
// The worker's test harness: a real publishing worker on a queue of its own; its connectors take the
// platforms' base URLs from the environment, set here to the emulators before it starts.
import { type Harness, startHarness } from '@vibetribe/worker/dist/testing/harness';
import { startTestGateway, type TestGateway } from './test-support/harness';

jest.setTimeout(60_000);

// Posts with images through the gateway, the post's workflow, the worker's connector and the
// LinkedIn, Facebook Pages and Instagram emulators: each one reaches the platform once, as sent.

let linkedin: KitEmulator;
let facebook: KitEmulator;
let instagram: KitEmulator;
let files: Server;
let jpeg: Buffer;
let h: Harness;
let gw: TestGateway;
let owner: Awaited<ReturnType<TestGateway['register']>>;

beforeAll(async () => {
  [linkedin, facebook, instagram] = await Promise.all([
    startLinkedInEmulator(),
    startFacebookEmulator(),
    startInstagramEmulator({ mediaProcessingMs: 50 }),
  ]);
  Object.assign(process.env, {
    LINKEDIN_API_BASE_URL: linkedin.url,
    FACEBOOK_GRAPH_BASE_URL: facebook.url,
    FACEBOOK_GRAPH_VIDEO_BASE_URL: facebook.url,
    INSTAGRAM_GRAPH_BASE_URL: instagram.url,
  });
  jpeg = await imageFixture('jpeg', { width: 80, height: 60 });
  // Where the worker (and Instagram, which fetches by URL) reads the images from.
  files = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  h = await startHarness();
  gw = await startTestGateway({}, { taskQueue: h.taskQueue });
  owner = await gw.register('Publisher');
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await h?.close();
  files?.close();
  await Promise.all([linkedin, facebook, instagram].map((e) => e?.close()));
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An account the emulator knows, connected to the organization through the API. */
async function connect(
  emulator: KitEmulator,
  platform: string,
  account: { id: string; name: string; type: string },
  externalId = account.id,
) {
  const accessToken = `token-${randomUUID()}`;
  emulator.addAccount(account, accessToken);
  const res = await gw.api('POST', `/api/v1/organizations/${owner.orgId}/accounts`, {
    token: owner.token,
    body: { platform, external_id: externalId, display_name: account.name, access_token: accessToken },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** Ready JPEG media of the organization (as the media service leaves an upload). */
async function images(count: number): Promise<string[]> {
  const em = h.orm.em.fork();
  const { port } = files.address() as AddressInfo;
  const media = Array.from({ length: count }, () => {
    const name = `${randomUUID()}.jpg`;
    const m = new Media(em.getReference(Organization, owner.orgId), {
      kind: 'image',
      mime: 'image/jpeg',
      bytes: jpeg.length,
      storage: 'local',
      publicId: `org/${owner.orgId}/e2e/${name}`,
      url: `http://127.0.0.1:${port}/${name}`,
      sha256: createHash('sha256').update(jpeg).digest('hex'),
    });
    return Object.assign(m, { status: 'ready', width: 80, height: 60 });
  });
  await em.persist(media).flush();
  return media.map((m) => m.id);
}

/** Creates the post through the API, publishes it now and waits until it is published. */
async function publish(accountId: string, content: string, mediaIds: string[]) {
  const created = await gw.api('POST', '/api/v1/posts', {
    token: owner.token,
    body: { content, target_account_ids: [accountId], media_ids: mediaIds },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await gw.api('POST', `/api/v1/posts/${id}/publish`, { token: owner.token })).status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const res = await gw.api('GET', `/api/v1/posts/${id}`, { token: owner.token });
    if (res.body.status === 'published' || res.body.status === 'failed') return res.body;
    await sleep(100);
  }
  throw new Error(`post ${id} never ended`);
}

const received = (emulator: KitEmulator, text: string) => emulator.posts().filter((p) => p.text === text);

describe('publishing with images through the worker to LinkedIn, Facebook and Instagram emulators', () => {
  test('LinkedIn: one image, then several (multi-image), as a member', async () => {
    const id = `${Date.now()}`;
    const account = await connect(
      linkedin,
      'linkedin',
      { id, name: 'Ada Member', type: 'person' },
      `urn:li:person:${id}`,
    );
    const one = await publish(account, `One picture ${id}`, await images(1));
    expect(one).toMatchObject({ status: 'published', targets: [{ status: 'published' }] });
    const many = await publish(account, `Three pictures ${id}`, await images(3));
    expect(many.status).toBe('published');
    expect(received(linkedin, `One picture ${id}`).map((p) => [p.accountId, p.kind, p.media.length])).toEqual(
      [[`urn:li:person:${id}`, 'image', 1]],
    );
    expect(received(linkedin, `Three pictures ${id}`).map((p) => [p.kind, p.media.length])).toEqual([
      ['multi_image', 3],
    ]);
    expect(many.targets[0].platform_post_id).toBe(received(linkedin, `Three pictures ${id}`)[0]!.id);
  });

  test('Facebook: a page post with text and an image', async () => {
    const id = `${Date.now()}`;
    const account = await connect(facebook, 'facebook', { id, name: 'Corner Bakery', type: 'page' });
    const post = await publish(account, `Fresh bread ${id}`, await images(1));
    expect(post).toMatchObject({ status: 'published', targets: [{ status: 'published' }] });
    const got = received(facebook, `Fresh bread ${id}`);
    expect(got.map((p) => [p.accountId, p.media.length])).toEqual([[id, 1]]);
    expect(got[0]!.kind).not.toBe('text');
  });

  test('Instagram: an image, then a carousel, from a business account', async () => {
    const id = `${Date.now()}`;
    const account = await connect(instagram, 'instagram', { id, name: 'bakery', type: 'business' });
    const one = await publish(account, `Croissants ${id}`, await images(1));
    expect(one).toMatchObject({ status: 'published', targets: [{ status: 'published' }] });
    const carousel = await publish(account, `The whole counter ${id}`, await images(3));
    expect(carousel.status).toBe('published');
    expect(received(instagram, `Croissants ${id}`).map((p) => [p.accountId, p.kind, p.media.length])).toEqual(
      [[id, 'image', 1]],
    );
    const counter = received(instagram, `The whole counter ${id}`);
    expect(counter.map((p) => [p.kind, p.media.length])).toEqual([['carousel', 3]]);
    // Instagram fetches each image by its URL: the worker sent ours.
    const { port } = files.address() as AddressInfo;
    expect(counter[0]!.media.every((u) => u.startsWith(`http://127.0.0.1:${port}/`))).toBe(true);
  });

  test('Facebook down for one create: the attempt is retried and the page gets the post once', async () => {
    const id = `${Date.now()}`;
    const account = await connect(facebook, 'facebook', { id, name: 'Flaky Bakery', type: 'page' });
    facebook.setFaults({ failNext: { status: 503, count: 1 } });
    try {
      const post = await publish(account, `Second batch ${id}`, await images(1));
      expect(post).toMatchObject({ status: 'published', targets: [{ status: 'published', attempts: 2 }] });
      expect(received(facebook, `Second batch ${id}`)).toHaveLength(1);
    } finally {
      facebook.clearFaults();
    }
  });
});
