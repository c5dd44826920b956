import type { MediaUrl } from '@vibetribe/activities';
import type { MediaStorage } from '@vibetribe/media-storage';

/** The rendition the media job makes for a platform (services/media renditions); others take the original. */
const RENDITIONS: Partial<Record<string, string>> = { x: 'x', instagram: 'instagram' };

/**
 * Where a publish downloads a medium from, and the URL a platform that fetches media is given: the
 * platform's rendition when the media job made one, signed now (local disk) or delivered by Cloudinary.
 */
export function mediaUrls(storage: Pick<MediaStorage, 'url'>): MediaUrl {
  return (media, platform) => {
    const rendition = RENDITIONS[platform];
    const ref = (rendition && media.variants[rendition]) || media.publicId;
    return storage.url(ref, media.kind);
  };
}
