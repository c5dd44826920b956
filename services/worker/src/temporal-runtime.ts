import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '@vibetribe/runtime';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's own logs into the service's pino logger, and leaves signals to `onShutdown`
 * (the SDK would otherwise stop the worker itself, out of order with the other shutdown steps).
 */
export function installTemporalRuntime(logger: Logger, level: LogLevel = 'INFO'): void {
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger(level, (entry) => logger[LEVELS[entry.level]](entry.meta ?? {}, entry.message)),
  });
}
