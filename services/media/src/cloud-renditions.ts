import type { CloudinaryStorage, MediaKind } from '@vibetribe/media-storage';
import { instagramFrame } from './renditions';

/**
 * Cloudinary makes renditions itself, on first request of a transformation URL: the job only names
 * them. Images: a 400 px thumbnail, X's (JPEG within 4096 px, `q_auto:good`), Instagram's (JPEG
 * filled to an allowed ratio); videos: a poster frame and a thumbnail.
 */
export function cloudRenditions(
  storage: CloudinaryStorage,
  publicId: string,
  kind: MediaKind,
  size: { width: number | null; height: number | null },
): Record<string, string> {
  if (kind === 'video') {
    return {
      poster: storage.derivedUrl(publicId, 'video', 'so_1,c_limit,w_1280', 'jpg'),
      thumbnail: storage.derivedUrl(publicId, 'video', 'so_1,c_fill,w_400,h_400,g_auto', 'jpg'),
    };
  }
  const frame =
    size.width && size.height ? instagramFrame(size.width, size.height) : { width: 1080, height: 1080 };
  return {
    thumbnail: storage.derivedUrl(publicId, kind, 'c_fill,w_400,h_400,g_auto,q_auto', 'jpg'),
    x: storage.derivedUrl(
      publicId,
      kind,
      'c_limit,w_4096,h_4096,q_auto:good',
      kind === 'gif' ? 'gif' : 'jpg',
    ),
    instagram: storage.derivedUrl(
      publicId,
      kind,
      `c_fill,g_auto,w_${frame.width},h_${frame.height},q_auto`,
      'jpg',
    ),
  };
}
