import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { initOrm } from '@vibetribe/database';
import { createMediaQueue, DEFAULT_LIMITS } from '@vibetribe/media-storage';
import { imageFixture, paddedTo, videoFixture } from '@vibetribe/testing';
import type { ChildService } from './children';
import { startBenchGateway } from './gateway';
import type { BenchConfig } from './config';
import { emit, progress, quantile, round } from './report';
import { deleteBenchData } from './seed';

const MIB = 1024 * 1024;

/** Resident memory of a process now, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Runs `work` while sampling `pid`'s RSS every 5 ms; resolves with the seconds taken and the peak growth. */
async function measured(
  pid: number,
  work: () => Promise<void>,
): Promise<{ seconds: number; growth: number }> {
  const before = rssOf(pid);
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 5);
  const t0 = process.hrtime.bigint();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, rssOf(pid));
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, growth: peak - before };
}

/**
 * Posts one file as `multipart/form-data` with curl (`curl -F`), as a user would. A native client keeps
 * the load generator's own CPU low: on a 2-core machine a Node client streaming the same bytes competes
 * with the gateway for the cores, and the figure measures the client (README, *Benchmarks*).
 */
function uploadFile(url: string, auth: Record<string, string>, path: string): Promise<void> {
  const headers = Object.entries(auth).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code}', ...headers];
  args.push('-F', `file=@${path};filename=bench.bin;type=application/octet-stream`, url);
  return new Promise<void>((resolve, reject) => {
    execFile('curl', args, { maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err) {
        reject(new Error(`curl: ${err.message}`));
        return;
      }
      const status = stdout.slice(stdout.lastIndexOf('\n') + 1);
      if (status === '201') resolve();
      else reject(new Error(`upload: HTTP ${status} ${stdout.slice(0, 300)}`));
    });
  });
}

/** Uploads `paths` as one request each, all at once. */
async function uploadAll(url: string, auth: Record<string, string>, paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => uploadFile(url, auth, path)));
}

/** The bare baseline: the same bytes copied file to file with a Node stream pipeline, as concurrent. */
async function copyAll(paths: string[], dir: string): Promise<void> {
  await Promise.all(
    paths.map((p, i) => pipeline(createReadStream(p), createWriteStream(join(dir, `copy-${i}`)))),
  );
}

/**
 * `media-upload`: the real gateway (its `dist/main.js`, local storage) takes one 100 MB video, then ten
 * 10 MB images at once, over HTTP multipart; a bare `pipeline(createReadStream, createWriteStream)` of
 * the same files, the same way, is the baseline. Reports MB/s of both and the gateway's peak RSS
 * growth during each phase.
 */
export async function mediaBench(cfg: BenchConfig): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vt-bench-media-'));
  const prefix = `bench-media-${randomUUID().slice(0, 8)}`;
  const created = { organizationIds: [] as string[], userIds: [] as string[] };
  let gateway: ChildService | undefined;
  try {
    progress('media: writing the files (a 100 MB video, ten 10 MB images)');
    const video = join(dir, 'video.mp4');
    await writeFile(video, paddedTo(await videoFixture('mp4'), DEFAULT_LIMITS.videoBytes));
    const jpeg = await imageFixture('jpeg');
    const images = Array.from({ length: 10 }, (_, i) => join(dir, `image-${i}.jpg`));
    for (const path of images) await writeFile(path, paddedTo(jpeg, DEFAULT_LIMITS.imageBytes));

    let base: string;
    ({ gateway, base } = await startBenchGateway(cfg, {
      MEDIA_STORAGE_DIR: join(dir, 'storage'),
      MEDIA_QUEUE_PREFIX: prefix,
    }));
    const email = `bench-${randomUUID()}@example.test`;
    const reg = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery', name: 'Bench' }),
    });
    const registered = (await reg.json()) as { access_token: string; user: { id: string } };
    created.userIds.push(registered.user.id);
    const auth = { authorization: `Bearer ${registered.access_token}` };
    const me = (await (await fetch(`${base}/api/v1/auth/me`, { headers: auth })).json()) as {
      organizations: { id: string }[];
    };
    created.organizationIds.push(me.organizations[0]!.id);
    const url = `${base}/api/v1/media/upload`;
    const pid = gateway.process.pid!;

    // Warm-up: the first upload loads the type sniffer and opens the queue's connections.
    await uploadAll(url, auth, [images[0]!]);
    const copyDir = await mkdtemp(join(dir, 'copies-'));
    // Rounds alternate the bare copy and the uploads, so a slow moment of the shared machine does not
    // fall on one side only; each phase's median time counts, and the largest RSS growth seen.
    type Phase = 'bareSingle' | 'bareMany' | 'single' | 'many';
    const rounds: Record<Phase, { seconds: number; growth: number }>[] = [];
    for (let r = 1; r <= cfg.mediaRounds; r++) {
      const bareSingle = await measured(process.pid, () => copyAll([video], copyDir));
      const bareMany = await measured(process.pid, () => copyAll(images, copyDir));
      const single = await measured(pid, () => uploadAll(url, auth, [video]));
      const many = await measured(pid, () => uploadAll(url, auth, images));
      progress(
        `media: round ${r}: bare copy ${round(bareSingle.seconds, 2)} s + ${round(bareMany.seconds, 2)} s; ` +
          `100 MB upload ${round(single.seconds, 2)} s (RSS +${round(single.growth / MIB)} MB), ` +
          `10 × 10 MB ${round(many.seconds, 2)} s (RSS +${round(many.growth / MIB)} MB)`,
      );
      rounds.push({ bareSingle, bareMany, single, many });
    }
    const median = (p: Phase) =>
      quantile(
        rounds.map((r) => r[p].seconds),
        0.5,
      );
    const peak = (p: Phase) => Math.max(...rounds.map((r) => r[p].growth));
    const single = { seconds: median('single'), growth: peak('single') };
    const many = { seconds: median('many'), growth: peak('many') };
    const bareSingle = { seconds: median('bareSingle') };
    const bareMany = { seconds: median('bareMany') };

    const totalMb = (DEFAULT_LIMITS.videoBytes + 10 * DEFAULT_LIMITS.imageBytes) / MIB;
    const mbPerS = totalMb / (single.seconds + many.seconds);
    const baselineMbPerS = totalMb / (bareSingle.seconds + bareMany.seconds);
    emit({
      bench: 'media-upload',
      mb_per_s: round(mbPerS),
      baseline_mb_per_s: round(baselineMbPerS),
      ratio: round(mbPerS / baselineMbPerS, 3),
      rss_growth_mb_single: round(single.growth / MIB),
      rss_growth_mb_concurrent: round(many.growth / MIB),
      single_mb_per_s: round(DEFAULT_LIMITS.videoBytes / MIB / single.seconds),
      concurrent_mb_per_s: round((10 * DEFAULT_LIMITS.imageBytes) / MIB / many.seconds),
      rounds: cfg.mediaRounds,
    });
  } finally {
    await gateway?.stop();
    const queue = createMediaQueue(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close().catch(() => undefined);
    if (!cfg.keepData) {
      const orm = await initOrm(process.env.DATABASE_URL ?? '');
      await deleteBenchData(orm, created).catch((err: unknown) => progress(`cleanup: ${String(err)}`));
      await orm.close();
    }
    await rm(dir, { recursive: true, force: true });
  }
}
