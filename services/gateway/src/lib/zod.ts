import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { IANA_TIME_ZONE_NAMES } from './iana-time-zones';

// Adds `.openapi()` to zod schemas once, before any schema is built.
extendZodWithOpenApi(z);

export { z };

/** A string's length as JSON Schema counts it: code points (an emoji is one), not UTF-16 units. */
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Not only whitespace (what String#trim removes, which is what \s matches), and no NUL: the document
 * states NUL for every other string (see openapi.ts), and validate() refuses it everywhere.
 */
const NOT_BLANK = /^[^\x00]*[^\s\x00][^\x00]*$/;

/**
 * Free text as the OpenAPI document states it and the server enforces it: `min` to `max` characters
 * (code points); `notBlank` also needs a character besides whitespace, and trims the value.
 */
export function text(opts: { min?: number; max: number; notBlank?: boolean }) {
  const { min = 0, max, notBlank = false } = opts;
  const string = notBlank ? z.string().regex(NOT_BLANK, 'must not be blank') : z.string();
  const base = string
    .refine((s) => {
      const n = codePoints(s);
      return n >= min && n <= max;
    }, `must be ${min} to ${max} characters`)
    .openapi({ ...(min > 0 ? { minLength: min } : {}), maxLength: max });
  // Trimmed after the length check: the limits are on what was sent, as the document says.
  return notBlank ? base.trim() : base;
}

/** An email address: zod's practical rule, stated as the document's `pattern`; lower-cased. */
export const email = z
  .string()
  .max(254)
  .regex(z.regexes.email, 'must be an email address')
  .transform((e) => e.toLowerCase());

const knownToIntl = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * The time zones a post takes, spelled exactly: the IANA names (zones and links) this runtime can use,
 * its ICU's own names, and UTC. The document lists them all.
 */
export const TIME_ZONES = [
  ...new Set([
    'UTC',
    ...IANA_TIME_ZONE_NAMES.split(/\s+/).filter((tz) => tz && knownToIntl(tz)),
    ...Intl.supportedValuesOf('timeZone'),
  ]),
].sort() as [string, ...string[]];
