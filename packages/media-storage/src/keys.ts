/** Storage keys: where a medium lives, decided by the server, never by the uploaded file's name. */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * A stored object's key: `org/<orgId>/user/<userId>/<yyyy>/<mm>/<dd>/<mediaId>[-<rendition>][.<ext>]`.
 * Cloudinary public ids have no extension; local files and renditions have one.
 */
export const MEDIA_KEY = new RegExp(
  `^org/${UUID}/user/${UUID}/\\d{4}/\\d{2}/\\d{2}/${UUID}(?:-[a-z0-9]{1,16})?(?:\\.[a-z0-9]{2,4})?$`,
);

/** The folder and name of a new medium (UTC date of `at`), without extension. */
export function mediaKey(
  ids: { organizationId: string; userId: string; mediaId: string },
  at = new Date(),
): string {
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `org/${ids.organizationId}/user/${ids.userId}/${yyyy}/${mm}/${dd}/${ids.mediaId}`;
}

/** A rendition's key beside its original: `<original without extension>-<name>.<ext>`. */
export function renditionKey(original: string, name: string, ext: string): string {
  return `${original.replace(/\.[a-z0-9]{2,4}$/, '')}-${name}.${ext}`;
}

/** True for a key this service could have made (so it is safe as a path below the storage root). */
export const isMediaKey = (key: string): boolean => MEDIA_KEY.test(key);
