import { type NatsConnection, type StreamConfig, NatsError, RetentionPolicy, StorageType, nanos } from 'nats';
import { EVENT_STREAM, EVENT_STREAM_SUBJECTS } from './subjects';

/** How long the stream keeps events: long enough to replay a week of history into a new consumer. */
export const EVENT_STREAM_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a `Nats-Msg-Id` is remembered: a retried publish within it is stored once. */
export const EVENT_STREAM_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** The configuration every process agrees on for the event stream. */
export function eventStreamConfig(): Partial<StreamConfig> & { name: string } {
  return {
    name: EVENT_STREAM,
    subjects: [...EVENT_STREAM_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(EVENT_STREAM_MAX_AGE_MS),
    duplicate_window: nanos(EVENT_STREAM_DUPLICATE_WINDOW_MS),
  };
}

// JetStream's error code for "stream name already in use with a different configuration".
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the event stream, or brings an existing one to the agreed configuration. Every process calls
 * it at start-up; adding a stream whose configuration is unchanged is a no-op on the server.
 */
export async function ensureEventStream(nc: NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const config = eventStreamConfig();
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (!(err instanceof NatsError) || err.api_error?.err_code !== STREAM_NAME_IN_USE) throw err;
    await jsm.streams.update(config.name, config);
  }
}
