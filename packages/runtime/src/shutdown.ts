import type { Logger } from 'pino';

/** One step of a graceful stop, run in the order given. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs `steps` in order on SIGINT or SIGTERM (first stop accepting work, then drain, then close
 * connections), each bounded by `stepTimeoutMs`, then exits. A second signal exits at once.
 */
export function onShutdown(
  logger: Logger,
  steps: ShutdownStep[],
  stepTimeoutMs = 15_000,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const step of steps) {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            step.run(),
            new Promise((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`timed out after ${stepTimeoutMs} ms`)),
                stepTimeoutMs,
              );
            }),
          ]);
          logger.info({ step: step.name }, 'shutdown step done');
        } catch (err) {
          logger.error({ step: step.name, err }, 'shutdown step failed');
        } finally {
          clearTimeout(timer);
        }
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  return stop;
}
