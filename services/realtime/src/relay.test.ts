import { randomUUID } from 'node:crypto';
import {
  AnalyticsUpdatedSchema,
  analyticsSubject,
  connectEventBus,
  create,
  type EventBus,
  MediaStatusChangedSchema,
  mediaSubject,
  PostCreatedSchema,
  PostStatusChangedSchema,
  postSubject,
  PresenceChangedSchema,
  PresenceKind,
  presenceSubject,
  timestampNow,
} from '@vibetribe/proto';
import type { Realtime } from './app';
import {
  type ClientSocket,
  collect,
  connectAs,
  fixtures,
  migrateTestDatabase,
  nextEvent,
  request,
  settle,
  startRealtime,
  testDatabase,
  type MikroORM,
  testKeys,
} from './test/harness';

describe('the relay from NATS to sockets, across two instances', () => {
  const keys = testKeys();
  const instances: Realtime[] = [];
  const sockets: ClientSocket[] = [];
  let url1: string;
  let url2: string;
  let orm: MikroORM;
  let bus: EventBus;
  let f: ReturnType<typeof fixtures>;

  beforeAll(async () => {
    await migrateTestDatabase();
    orm = await testDatabase();
    f = fixtures(orm);
    bus = await connectEventBus({
      servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      name: 'realtime-test',
    });
    const one = await startRealtime(keys);
    const two = await startRealtime(keys);
    instances.push(one.realtime, two.realtime);
    url1 = one.url;
    url2 = two.url;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const r of instances) await r.stop();
    await bus.close();
    await orm.close();
  });

  const open = async (url: string, userId: string) => {
    const socket = await connectAs(url, keys, userId);
    sockets.push(socket);
    return socket;
  };

  it('delivers an organization event to its members only', async () => {
    const [alice, bob] = [await f.user(), await f.user()];
    const [orgA, orgB] = [await f.org(alice), await f.org(bob)];
    const aliceSocket = await open(url1, alice);
    const bobSocket = await open(url2, bob);
    const bobSaw = collect<{ postId: string }>(bobSocket, 'post-created');

    const postId = randomUUID();
    const received = nextEvent(aliceSocket, 'post-created');
    await bus.publish(
      postSubject(orgA, 'created'),
      PostCreatedSchema,
      create(PostCreatedSchema, {
        postId,
        organizationId: orgA,
        status: 'draft',
        version: 1,
        occurredAt: timestampNow(),
      }),
    );
    await expect(received).resolves.toMatchObject({
      postId,
      organizationId: orgA,
      status: 'draft',
      version: 1,
      targets: [],
    });

    // A later event for org B reaches Bob; org A's, published first on the same subscription, did not.
    const sentinel = nextEvent(bobSocket, 'post-created');
    const bobPost = randomUUID();
    await bus.publish(
      postSubject(orgB, 'created'),
      PostCreatedSchema,
      create(PostCreatedSchema, { postId: bobPost, organizationId: orgB }),
    );
    await sentinel;
    expect(bobSaw.map((e) => e.postId)).toEqual([bobPost]);
  });

  it('sends post status updates to the post room, once to a socket in both rooms', async () => {
    const [carol, dave] = [await f.user(), await f.user()];
    const org = await f.org(carol, dave);
    const postId = await f.post(org);
    const carolSocket = await open(url2, carol);
    const daveSocket = await open(url1, dave);
    await expect(request(carolSocket, 'leave-room', { room: `org:${org}` })).resolves.toEqual({ ok: true });
    await expect(request(carolSocket, 'subscribe-post-updates', { postId })).resolves.toEqual({ ok: true });
    await expect(request(daveSocket, 'subscribe-post-updates', { postId })).resolves.toEqual({ ok: true });
    const daveSaw = collect(daveSocket, 'post-status-update');

    const update = nextEvent(carolSocket, 'post-status-update');
    const event = create(PostStatusChangedSchema, {
      postId,
      organizationId: org,
      status: 'published',
      previousStatus: 'publishing',
      version: 2,
      targets: [
        {
          targetId: randomUUID(),
          platform: 'mastodon',
          status: 'published',
          url: 'https://m.example/1',
          attempts: 1,
          sandbox: true,
        },
      ],
      reason: 'timer_fired',
      occurredAt: timestampNow(),
    });
    await bus.publish(postSubject(org, 'status'), PostStatusChangedSchema, event, `status-${postId}-2`);
    await expect(update).resolves.toMatchObject({
      postId,
      status: 'published',
      previousStatus: 'publishing',
      targets: [
        {
          platform: 'mastodon',
          status: 'published',
          url: 'https://m.example/1',
          attempts: 1,
          errorKind: '',
          sandbox: true,
        },
      ],
    });
    await settle();
    expect(daveSaw).toHaveLength(1);
  });

  it('sends analytics to analytics subscribers and media to the organization', async () => {
    const [erin, frank] = [await f.user(), await f.user()];
    const org = await f.org(erin, frank);
    const erinSocket = await open(url1, erin);
    const frankSocket = await open(url2, frank);
    await expect(
      request(erinSocket, 'subscribe-analytics-updates', { organizationId: org }),
    ).resolves.toEqual({ ok: true });
    const frankAnalytics = collect(frankSocket, 'analytics-update');

    const analytics = nextEvent(erinSocket, 'analytics-update');
    await bus.publish(
      analyticsSubject(org, 'updated'),
      AnalyticsUpdatedSchema,
      create(AnalyticsUpdatedSchema, {
        organizationId: org,
        postId: randomUUID(),
        platform: 'bluesky',
        metrics: { likes: 3n },
      }),
    );
    await expect(analytics).resolves.toMatchObject({
      organizationId: org,
      platform: 'bluesky',
      metrics: { likes: '3' },
    });

    const media = nextEvent(frankSocket, 'media-status-update');
    const mediaId = randomUUID();
    await bus.publish(
      mediaSubject(org, 'status'),
      MediaStatusChangedSchema,
      create(MediaStatusChangedSchema, {
        mediaId,
        organizationId: org,
        status: 'ready',
        kind: 'image',
        url: 'https://cdn/x.jpg',
      }),
    );
    await expect(media).resolves.toMatchObject({ mediaId, status: 'ready', kind: 'image' });
    expect(frankAnalytics).toEqual([]);
  });

  it('drops an event whose body names another organization than its subject', async () => {
    const [gina, hank] = [await f.user(), await f.user()];
    const [orgG, orgH] = [await f.org(gina), await f.org(hank)];
    const ginaSocket = await open(url1, gina);
    const ginaSaw = collect(ginaSocket, 'post-created');
    const sentinel = nextEvent(ginaSocket, 'post-updated');
    await bus.publish(
      postSubject(orgG, 'created'),
      PostCreatedSchema,
      create(PostCreatedSchema, { postId: randomUUID(), organizationId: orgH }),
    );
    await bus.publish(
      postSubject(orgG, 'updated'),
      PostCreatedSchema,
      create(PostCreatedSchema, { postId: randomUUID(), organizationId: orgG }),
    );
    await sentinel;
    expect(ginaSaw).toEqual([]);
  });

  it('relays typing to everyone in the post room, on both instances, but never back to the sender', async () => {
    const [ivy, jack, kim] = [await f.user(), await f.user(), await f.user()];
    const org = await f.org(ivy, jack, kim);
    const postId = await f.post(org);
    const ivySocket = await open(url1, ivy);
    const jackSocket = await open(url1, jack);
    const kimSocket = await open(url2, kim);
    for (const s of [ivySocket, jackSocket, kimSocket]) {
      await expect(request(s, 'join-room', { room: `post:${postId}` })).resolves.toEqual({ ok: true });
    }
    const ivyHeard = [...collect(ivySocket, 'user-typing'), ...collect(ivySocket, 'user-stopped-typing')];
    const onNats = new Promise((resolve) => {
      const sub = bus.subscribe(presenceSubject(org, 'typing'), PresenceChangedSchema, (message) => {
        sub.unsubscribe();
        resolve(message);
      });
    });
    await bus.nc.flush();

    const jackHears = nextEvent(jackSocket, 'user-typing');
    const kimHears = nextEvent(kimSocket, 'user-typing');
    await expect(request(ivySocket, 'typing-start', { postId })).resolves.toEqual({ ok: true });
    const expected = { postId, userId: ivy, organizationId: org, kind: 'PRESENCE_KIND_TYPING_START' };
    await expect(jackHears).resolves.toMatchObject(expected);
    await expect(kimHears).resolves.toMatchObject(expected);
    await expect(onNats).resolves.toMatchObject({ userId: ivy, postId, kind: PresenceKind.TYPING_START });

    const stops = [nextEvent(jackSocket, 'user-stopped-typing'), nextEvent(kimSocket, 'user-stopped-typing')];
    await expect(request(ivySocket, 'typing-stop', { postId })).resolves.toEqual({ ok: true });
    for (const stop of stops) await expect(stop).resolves.toMatchObject({ postId, userId: ivy });
    await settle();
    expect(ivyHeard).toEqual([]);
  });

  it('announces a user coming online and going offline to the organization, once for several tabs', async () => {
    const [lea, max] = [await f.user(), await f.user()];
    const org = await f.org(lea, max);
    const leaLocal = await open(url1, lea);
    const leaRemote = await open(url2, lea);
    await settle(); // Lea's own arrival is old news before Max comes.
    const connectedLocal = collect<{ userId: string }>(leaLocal, 'user-connected');
    const connectedRemote = collect<{ userId: string }>(leaRemote, 'user-connected');

    const maxFirst = await open(url1, max);
    await settle();
    const maxSecond = await open(url2, max);
    await settle();
    expect(connectedLocal.map((e) => e.userId)).toEqual([max]);
    expect(connectedRemote.map((e) => e.userId)).toEqual([max]);

    const gone = nextEvent<{ userId: string; organizationId: string }>(leaRemote, 'user-disconnected');
    const goneEarly = collect(leaLocal, 'user-disconnected');
    maxFirst.close();
    await settle();
    expect(goneEarly).toEqual([]);
    maxSecond.close();
    await expect(gone).resolves.toMatchObject({
      userId: max,
      organizationId: org,
      kind: 'PRESENCE_KIND_DISCONNECTED',
    });
  });

  it('relays presence published by another instance, and skips its own', async () => {
    const [nia, oli] = [await f.user(), await f.user()];
    const org = await f.org(nia, oli);
    const postId = await f.post(org);
    const niaSocket = await open(url1, nia);
    await expect(request(niaSocket, 'join-room', { room: `post:${postId}` })).resolves.toEqual({ ok: true });
    const niaHeard = collect<{ userId: string }>(niaSocket, 'user-typing');
    const typing = (origin: string, userId: string) =>
      bus.publish(
        presenceSubject(org, 'typing'),
        PresenceChangedSchema,
        create(PresenceChangedSchema, {
          organizationId: org,
          userId,
          kind: PresenceKind.TYPING_START,
          postId,
          origin,
        }),
      );
    const heard = nextEvent(niaSocket, 'user-typing');
    await typing(instances[0]!.instanceId, 'own-echo');
    await typing('rt-elsewhere', oli);
    await heard;
    await settle(100);
    expect(niaHeard.map((e) => e.userId)).toEqual([oli]);
  });
});
