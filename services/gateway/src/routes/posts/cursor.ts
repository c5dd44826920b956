import { z } from '../../lib/zod';

/** Where the previous page ended: (created_at, id), newest first. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

/**
 * A cursor's text, `<created_at in epoch ms>.<post id>`, as the document states it: whatever matches
 * is a position to continue after, so nothing that matches is refused. Fifteen digits at most keeps
 * every instant inside PostgreSQL's timestamptz range.
 */
export const CURSOR = /^(0|[1-9][0-9]{0,14})\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor after the post created at `createdAt` with `id`. */
export const encodeCursor = (createdAt: Date, id: string) => `${createdAt.getTime()}.${id}`;

/** Reads a cursor the query schema has already matched against CURSOR. */
export function decodeCursor(raw: string): Cursor {
  const dot = raw.indexOf('.');
  return { createdAt: new Date(Number(raw.slice(0, dot))), id: raw.slice(dot + 1) };
}

/** The paging members of a list query: `limit` (1–100, default 50) and a page's `next_cursor`. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(CURSOR, 'not a cursor this API issued')
    .optional()
    .openapi({ description: "A page's `next_cursor`" }),
};
