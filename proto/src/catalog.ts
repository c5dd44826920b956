import type { DescMessage } from '@bufbuild/protobuf';
import { AnalyticsUpdatedSchema } from './gen/vibetribe/events/v1/analytics_pb';
import { MediaStatusChangedSchema } from './gen/vibetribe/events/v1/media_pb';
import {
  PostCreatedSchema,
  PostDeletedSchema,
  PostStatusChangedSchema,
  PostUpdatedSchema,
} from './gen/vibetribe/events/v1/post_pb';
import { HealthCheckedSchema } from './gen/vibetribe/events/v1/ops_pb';
import { NotificationSchema } from './gen/vibetribe/events/v1/notification_pb';
import { PresenceChangedSchema } from './gen/vibetribe/events/v1/presence_pb';
import { type DomainEvent, type EventDomain, type ParsedSubject, SUBJECT_EVENTS } from './subjects';

/** Which message each subject carries: publishers and consumers look the schema up here, never guess it. */
export const EVENT_CATALOG = {
  post: {
    created: PostCreatedSchema,
    updated: PostUpdatedSchema,
    deleted: PostDeletedSchema,
    status: PostStatusChangedSchema,
  },
  media: { status: MediaStatusChangedSchema },
  analytics: { updated: AnalyticsUpdatedSchema },
  presence: {
    connected: PresenceChangedSchema,
    disconnected: PresenceChangedSchema,
    typing: PresenceChangedSchema,
  },
  notification: { created: NotificationSchema },
  ops: { health: HealthCheckedSchema },
} as const satisfies { [D in EventDomain]: Record<DomainEvent<D>, DescMessage> };

type Catalog = typeof EVENT_CATALOG;

/** The message schema of one subject's events. */
export type EventSchema<D extends EventDomain, E extends DomainEvent<D>> = E extends keyof Catalog[D]
  ? Catalog[D][E] extends DescMessage
    ? Catalog[D][E]
    : never
  : never;

/** The schema for a parsed subject (see `parseSubject`). */
export function schemaForSubject(parsed: ParsedSubject): DescMessage {
  const byEvent: Record<string, DescMessage> = EVENT_CATALOG[parsed.domain];
  const schema = byEvent[parsed.event];
  // SUBJECT_EVENTS and EVENT_CATALOG are checked against each other by the `satisfies` above.
  if (!schema)
    throw new Error(
      `no schema for ${parsed.domain}.${parsed.event} (${SUBJECT_EVENTS[parsed.domain].join(', ')})`,
    );
  return schema;
}
