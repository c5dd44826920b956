/** An asset the emulator holds: the bytes on disk and what Cloudinary would report about them. */
export interface CloudinaryAsset {
  publicId: string;
  resourceType: 'image' | 'video' | 'raw';
  format: string;
  bytes: number;
  width?: number;
  height?: number;
  duration?: number;
  codec?: string;
  version: number;
  createdAt: string;
  /** The file holding the asset's bytes (in the emulator's temporary folder). */
  path: string;
  /** How many requests carried it (1, or the chunks of a chunked upload). */
  parts: number;
}

/** Account and behaviour of the emulator. */
export interface CloudinaryEmulatorSettings {
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  /** Non-final chunks smaller than this are refused (Cloudinary: 5 MB). */
  minChunkBytes: number;
  /** A signed request older than this is stale (Cloudinary: one hour). */
  signatureMaxAgeS: number;
}

/** What the emulator has seen. */
export interface CloudinaryStats {
  uploads: number;
  chunks: number;
  destroys: number;
  rejectedSignatures: number;
  /** Uploads whose request ended before its body did (nothing was stored). */
  abandoned: number;
}
