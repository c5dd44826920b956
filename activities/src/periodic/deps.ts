import type { Client } from '@temporalio/client';
import type { MikroORM } from '@vibetribe/database';
import type { PlatformConnector } from '@vibetribe/platforms';
import type { EventBus } from '@vibetribe/proto';
import type { Logger, SecretBox } from '@vibetribe/runtime';

/** The media queue as cleanup and the health check use it (a Bull queue satisfies it). */
export interface MediaJobs {
  /** Removes jobs of `status` finished more than `graceMs` ago; resolves with the removed jobs. */
  clean(graceMs: number, status: 'completed' | 'failed'): Promise<unknown[]>;
  /** The queue's Redis connection, for the health check. */
  client: { ping(): Promise<string> };
}

/** Media storage as cleanup and the health check use it. */
export interface MediaFiles {
  remove(publicId: string, kind: 'image' | 'gif' | 'video'): Promise<void>;
  /** Resolves when the store can be reached (local: the directory is writable; Cloudinary: its API answers). */
  probe(): Promise<void>;
}

/** How long things are kept and when a state counts as stalled; every one has a default. */
export interface PeriodicSettings {
  /** A scheduled or publishing post younger than this is left alone (its start may be in flight). */
  sweepGraceMs: number;
  /** A post publishing for longer than this is stalled. */
  publishingBoundMs: number;
  /** A medium never attached to a post is removed after this many days. */
  orphanMediaDays: number;
  /** Finished Bull jobs are removed after this long. */
  bullJobRetentionMs: number;
  /** A final post's timeline (and other audit entries) is kept this many days. */
  auditRetentionDays: number;
  /** Analytics readings older than this many days are rolled up to one per day. */
  analyticsDailyAfterDays: number;
  /** Analytics snapshots are kept this many days. */
  analyticsRetentionDays: number;
  /** Targets published within this many days are synced. */
  analyticsWindowDays: number;
  /** The health check fails when the oldest due post has waited longer than this. */
  backlogMaxAgeMs: number;
  /** The task queues that must have pollers. */
  taskQueues: string[];
}

/** The defaults of `PeriodicSettings` (the worker's environment may change each). */
export const DEFAULT_PERIODIC_SETTINGS: Omit<PeriodicSettings, 'taskQueues'> = {
  sweepGraceMs: 60_000,
  publishingBoundMs: 30 * 60_000,
  orphanMediaDays: 7,
  bullJobRetentionMs: 7 * 86_400_000,
  auditRetentionDays: 365,
  analyticsDailyAfterDays: 7,
  analyticsRetentionDays: 365,
  analyticsWindowDays: 30,
  backlogMaxAgeMs: 5 * 60_000,
};

/** Everything the periodic jobs need, injected so tests point them at their own queue and stores. */
export interface PeriodicDeps {
  orm: MikroORM;
  /** Describes and restarts post workflows (sweep), reads task queue pollers (health). */
  temporal: Client;
  /** The publishing task queue: a restarted post's workflow goes there. */
  taskQueue: string;
  connectors: Partial<Record<string, PlatformConnector>>;
  secrets: SecretBox;
  /** The NATS connection the health check probes (events go through the outbox). */
  bus: Pick<EventBus, 'publish' | 'nc'>;
  logger: Logger;
  /** Absent: cleanup skips Bull jobs and the health check does not probe Redis. */
  mediaJobs?: MediaJobs;
  /** Absent: cleanup removes orphaned media rows only, and the health check does not probe storage. */
  mediaFiles?: MediaFiles;
  settings: PeriodicSettings;
}
