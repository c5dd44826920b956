import { Connection } from '@temporalio/client';

/** Temporal's readiness probe and how to close it. */
export interface TemporalProbe {
  check: () => Promise<unknown>;
  close: () => Promise<void>;
}

/**
 * Temporal's readiness probe: one health check per probe, within `timeoutMs`, on a connection of its
 * own without the client's retry interceptor. On the client's connection a check against a server that
 * is down keeps retrying after the probe has given up, and a retry timer that fires after `close()`
 * throws from the timer ("Channel has been shut down"), which ends the process.
 */
export function temporalProbe(address: string, timeoutMs = 1500): TemporalProbe {
  const connection = Connection.lazy({ address, connectTimeout: timeoutMs, interceptors: [] });
  return {
    check: () => connection.withDeadline(Date.now() + timeoutMs, () => connection.healthService.check({})),
    close: () => connection.close(),
  };
}
