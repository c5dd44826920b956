import { LRUCache } from 'lru-cache';

/** A rendered list page and the organization's posts version it was read at. */
export interface CachedPage {
  version: string;
  body: Buffer;
}

/**
 * Rendered pages of the post list, by organization and query, each tagged with the organization's
 * posts version (table `post_list_versions`, kept by database triggers on every write to posts and
 * their targets, whoever writes). A page is only served after the same statement that checks the
 * caller's membership has read the current version and found it equal to the page's, so a served page
 * is exactly what reading the posts again would give: every committed write (this instance's,
 * another's, the worker's) is seen, and nothing but version numbers is trusted across time.
 * Bounded by bytes (an lru-cache sized by each page's body and key), least recently used first out.
 */
export class PostListCache {
  private readonly pages: LRUCache<string, CachedPage> | undefined;

  constructor(readonly maxBytes: number) {
    const bytes = Math.floor(maxBytes);
    this.pages =
      bytes > 0
        ? new LRUCache({
            maxSize: bytes,
            // A page bigger than a quarter of the cache is not kept: it would push out many others.
            maxEntrySize: Math.max(1, Math.floor(bytes / 4)),
            sizeCalculation: (page, key) => page.body.length + key.length,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.pages !== undefined;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.pages?.size ?? 0, bytes: this.pages?.calculatedSize ?? 0 };
  }

  get(key: string): CachedPage | undefined {
    return this.pages?.get(key);
  }

  set(key: string, page: CachedPage): void {
    this.pages?.set(key, page);
  }
}
