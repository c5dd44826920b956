import { randomUUID } from 'node:crypto';
import {
  type BusEvent,
  connectEventBus,
  create,
  EVENT_STREAM,
  type EventBus,
  EVENT_STREAM_DUPLICATE_WINDOW_MS,
  EVENT_TYPE_HEADER,
  ensureEventStream,
  pingEventBus,
  PostStatusChangedSchema,
  postSubject,
  PresenceChangedSchema,
  PresenceKind,
  presenceSubject,
} from './index';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function nextMessage<T>(register: (resolve: (value: T) => void) => void, ms = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing arrived within ${ms} ms`)), ms);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('the event bus on a real NATS server', () => {
  let bus: EventBus;

  beforeAll(async () => {
    bus = await connectEventBus({ servers: NATS_URL, name: 'proto-test' });
  });
  afterAll(async () => {
    await bus.close();
  });

  it('has the event stream with the agreed limits, and ensuring it again changes nothing', async () => {
    await ensureEventStream(bus.nc);
    const info = await (await bus.nc.jetstreamManager()).streams.info(EVENT_STREAM);
    expect(info.config.subjects).toEqual(['vt.>']);
    expect(info.config.storage).toBe('file');
    expect(info.config.max_age).toBe(7 * 24 * 3600 * 1e9);
    expect(info.config.duplicate_window).toBe(EVENT_STREAM_DUPLICATE_WINDOW_MS * 1e6);
    expect(await pingEventBus(bus.nc)).toBeGreaterThanOrEqual(0);
  });

  it('delivers a published event to a typed subscriber, stored once per msgId', async () => {
    const org = randomUUID();
    const subject = postSubject(org, 'status');
    const received = nextMessage<{ status: string; type: string | undefined }>((resolve) => {
      const sub = bus.subscribe(subject, PostStatusChangedSchema, (message, msg) => {
        sub.unsubscribe();
        resolve({ status: message.status, type: msg.headers?.get(EVENT_TYPE_HEADER) });
      });
    });
    await bus.nc.flush();
    const event = create(PostStatusChangedSchema, {
      postId: randomUUID(),
      organizationId: org,
      status: 'published',
    });
    const msgId = `post-status-${event.postId}-1`;
    const first = await bus.publish(subject, PostStatusChangedSchema, event, msgId);
    const repeat = await bus.publish(subject, PostStatusChangedSchema, event, msgId);
    expect(first.stream).toBe(EVENT_STREAM);
    expect(first.duplicate).toBe(false);
    expect(repeat.duplicate).toBe(true);
    expect(repeat.seq).toBe(first.seq);
    await expect(received).resolves.toEqual({
      status: 'published',
      type: 'vibetribe.events.v1.PostStatusChanged',
    });
  });

  it('decodes any catalog event by its subject, and reports what it cannot decode', async () => {
    const org = randomUUID();
    const errors: unknown[] = [];
    const events: BusEvent[] = [];
    const done = nextMessage<void>((resolve) => {
      bus.subscribeEvents(
        `vt.${org}.>`,
        (event) => {
          events.push(event);
          if (events.length === 2) resolve();
        },
        { onError: (err) => errors.push(err) },
      );
    });
    await bus.nc.flush();
    bus.nc.publish(`vt.${org}.presence.typing`, 'not json');
    await bus.publish(
      presenceSubject(org, 'typing'),
      PresenceChangedSchema,
      create(PresenceChangedSchema, {
        organizationId: org,
        userId: 'u',
        kind: PresenceKind.TYPING_START,
        postId: 'p',
      }),
    );
    await bus.publish(
      postSubject(org, 'deleted'),
      PostStatusChangedSchema,
      create(PostStatusChangedSchema, { postId: 'p' }),
    );
    await done;
    expect(errors).toHaveLength(1);
    const [typing, deleted] = events;
    expect(typing?.domain === 'presence' && typing.event === 'typing' && typing.message.kind).toBe(
      PresenceKind.TYPING_START,
    );
    expect(deleted).toMatchObject({ orgId: org, domain: 'post', event: 'deleted' });
  });
});
