import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A Prometheus registry per service, with process metrics and a `service` label on everything. */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** HTTP request metrics for a Koa app. */
export function httpMetrics(registry: Registry) {
  return {
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
  };
}

/**
 * The event outbox's backlog as gauges (`vt_event_outbox_backlog`, `vt_event_outbox_oldest_age_seconds`),
 * read from the database at each scrape: any process shows the shared backlog, whichever relay publishes.
 */
export function outboxMetrics(
  registry: Registry,
  read: () => Promise<{ rows: number; oldestAgeS: number }>,
): void {
  let last: Promise<{ rows: number; oldestAgeS: number }> | undefined;
  // One read serves both gauges of a scrape; a failed read leaves the last values.
  const once = () =>
    (last ??= read().finally(() => {
      setTimeout(() => (last = undefined), 100).unref();
    }));
  type Backlog = { rows: number; oldestAgeS: number };
  const gauges: [string, string, (b: Backlog) => number][] = [
    ['vt_event_outbox_backlog', 'Events written but not yet published to NATS', (b) => b.rows],
    [
      'vt_event_outbox_oldest_age_seconds',
      'How long the oldest unpublished event has waited',
      (b) => b.oldestAgeS,
    ],
  ];
  for (const [name, help, value] of gauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const backlog = await once().catch(() => undefined);
        if (backlog) this.set(value(backlog));
      },
    });
  }
}
