/**
 * The spec's own design as a baseline: a Bull queue on the same Redis whose delayed jobs fall due at
 * the post's time and run the same no-op work. Runs in its own process like the workers, processing
 * BENCH_BULL_QUEUE with BENCH_BULL_CONCURRENCY jobs at a time; each job sends `{ key, at }` (its
 * `data.key`, when it ran) to the parent. Sends `{ ready: true }` once processing; SIGTERM closes it.
 */
import Queue from 'bull';

async function main(): Promise<void> {
  const queue = new Queue<{ key: string }>(
    process.env.BENCH_BULL_QUEUE ?? 'bench-bull',
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  );
  await queue.isReady();
  // Resolves only when the queue closes.
  queue
    .process(Number(process.env.BENCH_BULL_CONCURRENCY ?? 20), (job) => {
      process.send?.({ key: job.data.key, at: Date.now() });
      return Promise.resolve();
    })
    .catch(fail);
  process.once('SIGTERM', () => {
    void queue.close().then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

function fail(err: unknown): void {
  console.error(err);
  process.exit(1);
}

main().catch(fail);
