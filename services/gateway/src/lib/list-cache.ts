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
 * Bounded by bytes, least recently used first out.
 */
export class PostListCache {
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.pages.size, bytes: this.bytes };
  }

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(key: string, page: CachedPage): void {
    const cost = page.body.length + key.length;
    if (!this.enabled || cost > this.maxBytes / 4) return;
    this.delete(key);
    this.pages.set(key, page);
    this.bytes += cost;
    for (const [oldest, old] of this.pages) {
      if (this.bytes <= this.maxBytes) break;
      this.pages.delete(oldest);
      this.bytes -= old.body.length + oldest.length;
    }
  }

  private delete(key: string): void {
    const old = this.pages.get(key);
    if (!old) return;
    this.pages.delete(key);
    this.bytes -= old.body.length + key.length;
  }
}
