/** The kinds of attachment the platforms distinguish; an animated GIF is its own kind almost everywhere. */
export type MediaKind = 'image' | 'gif' | 'video';

/** What validation needs to know about one attachment (probed by the media service, not the bytes). */
export interface MediaFacts {
  id: string;
  kind: MediaKind;
  mime: string;
  bytes: number;
  width?: number;
  height?: number;
  durationS?: number;
  alt?: string;
}

/** The content of a post as validation sees it. */
export interface PostInput {
  text: string;
  media: MediaFacts[];
}

/** Where a violation points: the text, the attachments as a whole, or one attachment by index. */
export type ViolationField = 'text' | 'media' | `media[${number}]`;

/** One broken rule; `code` is stable for clients, `message` names the limit and the actual value. */
export interface Violation {
  code: ViolationCode;
  message: string;
  field: ViolationField;
}

/** The stable violation codes. */
export type ViolationCode =
  | 'text_required'
  | 'text_too_long'
  | 'text_too_many_bytes'
  | 'text_invalid_characters'
  | 'too_many_hashtags'
  | 'too_many_mentions'
  | 'media_required'
  | 'too_many_media'
  | 'media_mix_unsupported'
  | 'media_type_unsupported'
  | 'media_too_large'
  | 'media_too_short'
  | 'media_too_long'
  | 'media_aspect_ratio'
  | 'alt_text_required'
  | 'alt_text_too_long';
