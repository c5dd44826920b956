/** What a medium is, as its bytes say: `gif` is kept apart from other images (platforms limit it apart). */
export type MediaKind = 'image' | 'gif' | 'video';

/** One accepted file type: the MIME type its magic bytes name, our file extension, and its kind. */
export interface MediaType {
  readonly mime: string;
  readonly ext: string;
  readonly kind: MediaKind;
}

/** The size limits per kind, in bytes (images and GIFs share one). */
export interface MediaLimits {
  readonly imageBytes: number;
  readonly videoBytes: number;
}
