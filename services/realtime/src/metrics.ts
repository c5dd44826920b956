import { Counter, Gauge, type Registry } from 'prom-client';
import type { RealtimeServer } from './types';

/** The realtime service's own metrics, beside the process metrics of its registry. */
export interface RealtimeMetrics {
  relayed: Counter<'type'>;
  relayErrors: Counter;
  clientEvents: Counter<'event' | 'outcome'>;
  replayed: Counter;
}

/** Registers the gauges and counters; the socket gauge reads the server when scraped, so it never drifts. */
export function createRealtimeMetrics(registry: Registry, io: RealtimeServer): RealtimeMetrics {
  new Gauge({
    name: 'realtime_connected_sockets',
    help: 'Sockets connected to this instance',
    registers: [registry],
    collect() {
      this.set(io.of('/').sockets.size);
    },
  });
  return {
    relayed: new Counter({
      name: 'realtime_events_relayed_total',
      help: 'Events relayed from NATS to sockets, by Socket.IO event name',
      labelNames: ['type'],
      registers: [registry],
    }),
    relayErrors: new Counter({
      name: 'realtime_relay_errors_total',
      help: 'NATS messages that could not be decoded or relayed',
      registers: [registry],
    }),
    clientEvents: new Counter({
      name: 'realtime_client_events_total',
      help: 'Events received from clients, by name and outcome (ok, refused, error)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    }),
    replayed: new Counter({
      name: 'realtime_events_replayed_total',
      help: 'Missed events replayed from the stream to reconnecting sockets',
      registers: [registry],
    }),
  };
}
