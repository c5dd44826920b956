import { type DescMessage, type JsonValue, type MessageShape, toJson } from '@bufbuild/protobuf';
import {
  type ConnectionOptions,
  type JetStreamClient,
  type Msg,
  type NatsConnection,
  type PubAck,
  type Subscription,
  connect,
  headers as natsHeaders,
} from 'nats';
import { type EventSchema, schemaForSubject } from './catalog';
import { decodeEvent, encodeEvent } from './codec';
import { ensureEventStream } from './stream';
import { type DomainEvent, type EventDomain, parseSubject } from './subjects';

/** Any event of the catalog, discriminated by `domain` and `event`, with its decoded message. */
export type BusEvent = {
  [D in EventDomain]: {
    [E in DomainEvent<D>]: {
      subject: string;
      orgId: string;
      domain: D;
      event: E;
      message: EventSchema<D, E> extends DescMessage ? MessageShape<EventSchema<D, E>> : never;
    };
  }[DomainEvent<D>];
}[EventDomain];

/** Options of a subscription. */
export interface SubscribeOptions {
  /** A NATS queue group: each message goes to one member only. */
  queue?: string;
  /** Called when a message cannot be decoded or its handler throws; the subscription keeps going. */
  onError?: (err: unknown, msg: Msg) => void;
}

/** The event bus every process shares: JetStream publish, core subscriptions, protobuf JSON on the wire. */
export interface EventBus {
  nc: NatsConnection;
  js: JetStreamClient;
  /** Publishes into the event stream; a repeated `msgId` within the duplicate window is stored once. */
  publish<D extends DescMessage>(
    subject: string,
    schema: D,
    message: MessageShape<D>,
    msgId?: string,
  ): Promise<PubAck>;
  /** Publishes an event stored in its wire form (the outbox's rows), with its type header and `msgId`. */
  publishStored(event: StoredEventMessage): Promise<PubAck>;
  /** Delivers every message on `subject` (wildcards allowed) decoded with `schema`. */
  subscribe<D extends DescMessage>(
    subject: string,
    schema: D,
    handler: (message: MessageShape<D>, msg: Msg) => unknown,
    opts?: SubscribeOptions,
  ): Subscription;
  /** Delivers every catalog event matching `filter`, each decoded with the schema its subject names. */
  subscribeEvents(
    filter: string,
    handler: (event: BusEvent, msg: Msg) => unknown,
    opts?: SubscribeOptions,
  ): Subscription;
  /** Drains subscriptions and pending publishes, then closes the connection. */
  close(): Promise<void>;
}

/** An event in its wire form, as the outbox keeps it. */
export interface StoredEventMessage {
  subject: string;
  /** The protobuf message's type name. */
  type: string;
  /** The protobuf JSON text. */
  payload: string;
  msgId: string;
}

/** An event as data for the outbox: its subject, its type name, and the message's JSON mapping. */
export function eventRecord<D extends DescMessage>(
  subject: string,
  schema: D,
  message: MessageShape<D>,
): { subject: string; type: string; payload: JsonValue } {
  return { subject, type: schema.typeName, payload: toJson(schema, message) };
}

/** Options of `connectEventBus`: NATS connection options plus whether to ensure the stream exists. */
export interface EventBusOptions extends ConnectionOptions {
  /** Create or update the event stream on connect (default true): publishing needs it. */
  ensureStream?: boolean;
  /** How long `close()` waits for a drain before closing outright (default 5 s): a drain needs the server. */
  drainTimeoutMs?: number;
}

const utf8 = new TextEncoder();

/** The header naming the message type, so a reader of `nats sub` knows what a payload is. */
export const EVENT_TYPE_HEADER = 'Vt-Event-Type';

function handleAsync(run: () => unknown, onError: (err: unknown) => void): void {
  try {
    const result = run();
    if (result instanceof Promise) result.catch(onError);
  } catch (err) {
    onError(err);
  }
}

/** Connects to NATS and returns the event bus. Reconnects forever by default: a service outlives a NATS restart. */
export async function connectEventBus(opts: EventBusOptions): Promise<EventBus> {
  const { ensureStream = true, drainTimeoutMs = 5000, ...connectionOptions } = opts;
  const nc = await connect({ maxReconnectAttempts: -1, ...connectionOptions });
  if (ensureStream) {
    try {
      await ensureEventStream(nc);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }
  const js = nc.jetstream();
  const report = (opts?: SubscribeOptions) => (msg: Msg) => (err: unknown) => opts?.onError?.(err, msg);

  return {
    nc,
    js,
    publish(subject, schema, message, msgId) {
      const h = natsHeaders();
      h.set(EVENT_TYPE_HEADER, schema.typeName);
      return js.publish(subject, encodeEvent(schema, message), {
        headers: h,
        ...(msgId ? { msgID: msgId } : {}),
      });
    },
    publishStored(event) {
      const h = natsHeaders();
      h.set(EVENT_TYPE_HEADER, event.type);
      return js.publish(event.subject, utf8.encode(event.payload), { headers: h, msgID: event.msgId });
    },
    subscribe(subject, schema, handler, subOpts) {
      const onError = report(subOpts);
      return nc.subscribe(subject, {
        ...(subOpts?.queue ? { queue: subOpts.queue } : {}),
        callback: (err, msg) => {
          if (err) return onError(msg)(err);
          handleAsync(() => handler(decodeEvent(schema, msg.data), msg), onError(msg));
        },
      });
    },
    subscribeEvents(filter, handler, subOpts) {
      const onError = report(subOpts);
      return nc.subscribe(filter, {
        ...(subOpts?.queue ? { queue: subOpts.queue } : {}),
        callback: (err, msg) => {
          if (err) return onError(msg)(err);
          handleAsync(() => {
            const parsed = parseSubject(msg.subject);
            if (!parsed) throw new Error(`not an event subject: ${msg.subject}`);
            const message = decodeEvent(schemaForSubject(parsed), msg.data);
            return handler({ ...parsed, subject: msg.subject, message } as BusEvent, msg);
          }, onError(msg));
        },
      });
    },
    async close() {
      if (nc.isClosed()) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainTimeoutMs);
      });
      // While the server is away a drain never completes; a shutdown must not wait for it forever.
      await Promise.race([nc.drain().catch(() => undefined), timedOut]).finally(() => clearTimeout(timer));
      if (!nc.isClosed()) await nc.close();
    },
  };
}

/** Readiness probe: a round trip to the server; fails at once while disconnected. */
export async function pingEventBus(nc: NatsConnection): Promise<number> {
  return nc.rtt();
}
