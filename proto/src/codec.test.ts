import { type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import {
  AnalyticsUpdatedSchema,
  create,
  decodeEvent,
  encodeEvent,
  equals,
  eventToClientJson,
  file_vibetribe_events_v1_post,
  MediaStatusChangedSchema,
  PostCreatedSchema,
  PostDeletedSchema,
  PostStatusChangedSchema,
  PostUpdatedSchema,
  PresenceChangedSchema,
  PresenceKind,
  timestampFromDate,
} from './index';

const at = timestampFromDate(new Date('2026-05-01T09:30:00.123Z'));
const target = {
  targetId: 't1',
  accountId: 'a1',
  platform: 'mastodon',
  status: 'failed',
  platformPostId: '',
  url: '',
  errorKind: 'rate_limited',
  errorMessage: 'slow down',
  attempts: 3,
};

function roundTrip<D extends DescMessage>(schema: D, message: MessageShape<D>): void {
  const wire = encodeEvent(schema, message);
  // The wire is plain JSON with camelCase names.
  expect(() => JSON.parse(Buffer.from(wire).toString('utf8')) as unknown).not.toThrow();
  expect(equals(schema, decodeEvent(schema, wire), message)).toBe(true);
}

describe('the JSON mapping', () => {
  it('round-trips every event', () => {
    roundTrip(
      PostCreatedSchema,
      create(PostCreatedSchema, {
        postId: 'p',
        organizationId: 'o',
        status: 'scheduled',
        version: 1,
        targets: [target],
        scheduledAt: at,
        actor: 'u',
        occurredAt: at,
      }),
    );
    roundTrip(
      PostUpdatedSchema,
      create(PostUpdatedSchema, {
        postId: 'p',
        organizationId: 'o',
        version: 2,
        changedFields: ['content'],
        occurredAt: at,
      }),
    );
    roundTrip(
      PostDeletedSchema,
      create(PostDeletedSchema, { postId: 'p', organizationId: 'o', actor: 'u', occurredAt: at }),
    );
    roundTrip(
      PostStatusChangedSchema,
      create(PostStatusChangedSchema, {
        postId: 'p',
        organizationId: 'o',
        status: 'partially_published',
        previousStatus: 'publishing',
        version: 3,
        targets: [target, { ...target, targetId: 't2', status: 'published', url: 'https://x/1' }],
        reason: 'timer_fired',
        actor: 'system',
        occurredAt: at,
        scheduledAt: at,
      }),
    );
    roundTrip(
      MediaStatusChangedSchema,
      create(MediaStatusChangedSchema, {
        mediaId: 'm',
        organizationId: 'o',
        status: 'ready',
        kind: 'image',
        url: 'https://cdn/m.jpg',
        width: 640,
        height: 480,
        occurredAt: at,
      }),
    );
    roundTrip(
      AnalyticsUpdatedSchema,
      create(AnalyticsUpdatedSchema, {
        organizationId: 'o',
        postId: 'p',
        targetId: 't',
        platform: 'bluesky',
        metrics: { likes: 12n, reposts: 9_007_199_254_740_993n },
        collectedAt: at,
      }),
    );
    roundTrip(
      PresenceChangedSchema,
      create(PresenceChangedSchema, {
        organizationId: 'o',
        userId: 'u',
        kind: PresenceKind.TYPING_START,
        postId: 'p',
        occurredAt: at,
        origin: 'rt-1',
      }),
    );
  });

  it('keeps the wire readable: names, RFC 3339 times, enum names', () => {
    const wire = encodeEvent(
      PresenceChangedSchema,
      create(PresenceChangedSchema, {
        organizationId: 'o',
        userId: 'u',
        kind: PresenceKind.CONNECTED,
        occurredAt: at,
      }),
    );
    expect(JSON.parse(Buffer.from(wire).toString('utf8'))).toEqual({
      organizationId: 'o',
      userId: 'u',
      kind: 'PRESENCE_KIND_CONNECTED',
      occurredAt: '2026-05-01T09:30:00.123Z',
    });
  });

  it('gives clients every field, defaults included', () => {
    const json = eventToClientJson(PostDeletedSchema, create(PostDeletedSchema, { postId: 'p' }));
    expect(json).toEqual({ postId: 'p', organizationId: '', version: 0, actor: '' });
  });

  it('lets a consumer built from an older schema ignore fields and enum values it does not know', () => {
    const newer = JSON.stringify({
      postId: 'p',
      organizationId: 'o',
      status: 'published',
      addedLater: { x: 1 },
      future_field: 7,
    });
    const older = decodeEvent(PostStatusChangedSchema, newer);
    expect(older.postId).toBe('p');
    expect(older.status).toBe('published');
    const presence = decodeEvent(
      PresenceChangedSchema,
      JSON.stringify({ userId: 'u', kind: 'PRESENCE_KIND_AWAY' }),
    );
    expect(presence.userId).toBe('u');
    expect(presence.kind).toBe(PresenceKind.UNSPECIFIED);
  });

  it('reads a message written by a newer schema that added a field', () => {
    // Build the "newer" schema by adding a field to PostDeleted's descriptor, as a later .proto would.
    const fileProto = fromBinary(
      FileDescriptorProtoSchema,
      toBinary(FileDescriptorProtoSchema, file_vibetribe_events_v1_post.proto),
    );
    const deleted = fileProto.messageType.find((m) => m.name === 'PostDeleted')!;
    deleted.field.push(
      create(FieldDescriptorProtoSchema, {
        name: 'purge_reason',
        jsonName: 'purgeReason',
        number: 99,
        type: FieldDescriptorProto_Type.STRING,
        label: FieldDescriptorProto_Label.OPTIONAL,
      }),
    );
    const registry = createFileRegistry(fileProto, (name) =>
      name === 'google/protobuf/timestamp.proto' ? file_vibetribe_events_v1_post.dependencies[0] : undefined,
    );
    const newerSchema = registry.getMessage('vibetribe.events.v1.PostDeleted')!;
    const wire = encodeEvent(newerSchema, create(newerSchema, { postId: 'p', purgeReason: 'gdpr' }));
    expect(Buffer.from(wire).toString('utf8')).toContain('"purgeReason":"gdpr"');
    expect(decodeEvent(PostDeletedSchema, wire).postId).toBe('p');
  });
});
