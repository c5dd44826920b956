/** The JetStream stream that keeps every event for replay and durable consumers. */
export const EVENT_STREAM = 'VT_EVENTS';
/** The subjects the event stream captures: everything under `vt.`. */
export const EVENT_STREAM_SUBJECTS = ['vt.>'] as const;

/** Every subject starts with this token. */
const ROOT = 'vt';

/** The event names of each domain: the last token of a subject. */
export const SUBJECT_EVENTS = {
  post: ['created', 'updated', 'deleted', 'status'],
  media: ['status'],
  analytics: ['updated'],
  presence: ['connected', 'disconnected', 'typing'],
  notification: ['created'],
  ops: ['health'],
} as const;

/** A family of events: the third token of a subject. */
export type EventDomain = keyof typeof SUBJECT_EVENTS;
/** The event names of one domain. */
export type DomainEvent<D extends EventDomain> = (typeof SUBJECT_EVENTS)[D][number];
/** Post events: `vt.<orgId>.post.<event>`. */
export type PostEvent = DomainEvent<'post'>;
/** Media events: `vt.<orgId>.media.<event>`. */
export type MediaEvent = DomainEvent<'media'>;
/** Analytics events: `vt.<orgId>.analytics.<event>`. */
export type AnalyticsEvent = DomainEvent<'analytics'>;
/** Presence events: `vt.<orgId>.presence.<event>`. */
export type PresenceEvent = DomainEvent<'presence'>;
/** Notification events: `vt.<orgId>.notification.<event>`. */
export type NotificationEvent = DomainEvent<'notification'>;

/** Operator events: `vt.system.ops.<event>`. */
export type OpsEvent = DomainEvent<'ops'>;

/** The organization token of events about the whole system rather than one organization. */
export const SYSTEM_SCOPE = 'system';

/** The parts of an event subject. */
export interface ParsedSubject<D extends EventDomain = EventDomain> {
  orgId: string;
  domain: D;
  event: DomainEvent<D>;
}

// A token must not contain a separator or wildcard, or an id could widen or shift a subject.
const TOKEN = /^[A-Za-z0-9_-]+$/;

function assertToken(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new Error(`invalid ${what} for a NATS subject: ${JSON.stringify(value)}`);
  return value;
}

/** `vt.<orgId>.<domain>.<event>`, refusing ids that contain separators or wildcards. */
export function eventSubject<D extends EventDomain>(orgId: string, domain: D, event: DomainEvent<D>): string {
  return [ROOT, assertToken(orgId, 'organization id'), domain, event].join('.');
}

/** `vt.<orgId>.post.<event>`. */
export function postSubject(orgId: string, event: PostEvent): string {
  return eventSubject(orgId, 'post', event);
}

/** `vt.<orgId>.media.<event>`. */
export function mediaSubject(orgId: string, event: MediaEvent): string {
  return eventSubject(orgId, 'media', event);
}

/** `vt.<orgId>.analytics.<event>`. */
export function analyticsSubject(orgId: string, event: AnalyticsEvent): string {
  return eventSubject(orgId, 'analytics', event);
}

/** `vt.<orgId>.presence.<event>`. */
export function presenceSubject(orgId: string, event: PresenceEvent): string {
  return eventSubject(orgId, 'presence', event);
}

/** `vt.<orgId>.notification.<event>`. */
export function notificationSubject(orgId: string, event: NotificationEvent): string {
  return eventSubject(orgId, 'notification', event);
}

/** `vt.system.ops.<event>`: system-wide, for operators. */
export function opsSubject(event: OpsEvent): string {
  return eventSubject(SYSTEM_SCOPE, 'ops', event);
}

/** A subscription filter for one domain: every organization by default (`vt.*.post.>`), or one. */
export function domainFilter(domain: EventDomain, orgId?: string): string {
  return [ROOT, orgId === undefined ? '*' : assertToken(orgId, 'organization id'), domain, '>'].join('.');
}

function isDomain(value: string): value is EventDomain {
  return Object.hasOwn(SUBJECT_EVENTS, value);
}

/** Splits an event subject into its parts; undefined when it is not one of ours (unknown domain or event). */
export function parseSubject(subject: string): ParsedSubject | undefined {
  const tokens = subject.split('.');
  if (tokens.length !== 4) return undefined;
  const [root, orgId, domain, event] = tokens as [string, string, string, string];
  if (root !== ROOT || !TOKEN.test(orgId) || !isDomain(domain)) return undefined;
  const events: readonly string[] = SUBJECT_EVENTS[domain];
  if (!events.includes(event)) return undefined;
  return { orgId, domain, event } as ParsedSubject;
}
