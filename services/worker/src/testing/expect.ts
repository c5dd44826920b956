import { AuditEvent, type MikroORM, Post, PostTarget, PublishLedger } from '@vibetribe/database';
import type { XEmulator } from '@vibetribe/emulators';
import type { SeededPost } from './seed';

/** The rows a test asserts on, read fresh. */
export async function readRows(orm: MikroORM, seeded: SeededPost) {
  const em = orm.em.fork();
  const post = await em.findOneOrFail(Post, seeded.postId);
  const target = await em.findOneOrFail(PostTarget, seeded.targetId, { populate: ['account'] });
  const ledger = await em.find(PublishLedger, { target: seeded.targetId });
  const audit = await em.find(AuditEvent, { subjectId: seeded.postId }, { orderBy: { seq: 'asc' } });
  return { post, target, ledger, actions: audit.map((a) => a.action) };
}

/** The posts the emulator holds for the seeded account. */
export function postsOf(emulator: XEmulator, seeded: SeededPost) {
  return emulator.posts(seeded.xUserId);
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** A post's timeline, in the order it was written: action, actor type and id, data. */
export async function timelineOf(orm: MikroORM, postId: string) {
  const rows = await orm.em.fork().find(AuditEvent, { subjectId: postId }, { orderBy: { seq: 'asc' } });
  return rows.map((a) => ({ action: a.action, actor: a.actorType, actorId: a.actorId, data: a.data }));
}
