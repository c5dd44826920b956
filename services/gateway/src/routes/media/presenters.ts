import type { Media } from '@vibetribe/database';
import type { MediaStorage } from '@vibetribe/media-storage';

/** A medium as the API shows it: URLs made fresh (signed for local storage), never the raw entity. */
export function presentMedia(m: Media, storage: MediaStorage) {
  const renditions: Record<string, string> = {};
  for (const [name, ref] of Object.entries(m.variants))
    renditions[name] = storage.url(ref, name === 'poster' || name === 'thumbnail' ? 'image' : m.kind);
  return {
    id: m.id,
    organization_id: m.organization.id,
    uploader_id: m.uploader?.id ?? null,
    kind: m.kind,
    mime: m.mime,
    bytes: Number(m.bytes),
    width: m.width,
    height: m.height,
    duration_s: m.durationS,
    codec: m.codec,
    alt: m.alt,
    storage: m.storage,
    public_id: m.publicId,
    url: storage.url(m.publicId, m.kind),
    renditions,
    original_name: m.originalName,
    sha256: m.sha256,
    status: m.status,
    error: m.error,
    processed_at: m.processedAt?.toISOString() ?? null,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}
