import { z } from 'zod';

/** How a delivered image is shaped: the `optimize-url` options, the same for both drivers. */
export const TransformSchema = z.strictObject({
  width: z.number().int().min(1).max(4096).optional(),
  height: z.number().int().min(1).max(4096).optional(),
  crop: z.enum(['fill', 'fit', 'limit', 'pad', 'scale']).optional(),
  format: z.enum(['auto', 'jpg', 'png', 'webp']).optional(),
  quality: z.union([z.literal('auto'), z.number().int().min(1).max(100)]).optional(),
});

/** A delivery transformation (Cloudinary's w_, h_, c_, f_, q_). */
export type Transform = z.output<typeof TransformSchema>;

/** The transformation as query parameters, in a fixed order (they are signed). */
export function transformToQuery(t: Transform): [string, string][] {
  const out: [string, string][] = [];
  if (t.width !== undefined) out.push(['w', String(t.width)]);
  if (t.height !== undefined) out.push(['h', String(t.height)]);
  if (t.crop !== undefined) out.push(['c', t.crop]);
  if (t.format !== undefined) out.push(['f', t.format]);
  if (t.quality !== undefined) out.push(['q', String(t.quality)]);
  return out;
}

/** Reads a transformation back from query parameters; undefined when one is malformed. */
export function transformFromQuery(get: (name: string) => string | undefined): Transform | undefined {
  const int = (v: string | undefined) =>
    v === undefined ? undefined : /^\d{1,4}$/.test(v) ? Number(v) : NaN;
  const q = get('q');
  const parsed = TransformSchema.safeParse({
    width: int(get('w')),
    height: int(get('h')),
    crop: get('c'),
    format: get('f'),
    quality: q === undefined || q === 'auto' ? q : int(q),
  });
  if (!parsed.success) return undefined;
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
}
