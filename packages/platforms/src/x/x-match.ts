import { extractUrlsWithIndices } from 'twitter-text';
import { type XTimelineTweet } from './x-schemas';

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

// A link compares equal whether written "https://www.Example.com/a/" or "example.com/a".
function canonicalUrl(url: string): string {
  const bare = url
    .replace(/^https?:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  return slash === -1 ? bare.toLowerCase() : bare.slice(0, slash).toLowerCase() + bare.slice(slash);
}

/** Text reduced to what survives a round trip through X: NFC, canonical links, no outer whitespace. */
export function normalizeForMatch(text: string): string {
  const nfc = text.normalize('NFC');
  let out = '';
  let from = 0;
  for (const { url, indices } of extractUrlsWithIndices(nfc)) {
    out += nfc.slice(from, indices[0]) + canonicalUrl(url);
    from = indices[1];
  }
  return (out + nfc.slice(from)).trim();
}

/**
 * A timeline post's text as we would have sent it: X escapes `& < >`, swaps links for t.co ones
 * (`entities.urls` has the originals) and appends a t.co link to attached media.
 */
export function tweetTextForMatch(tweet: XTimelineTweet): string {
  let text = tweet.text.replace(/&(?:amp|lt|gt);/g, (entity) => HTML_ENTITIES[entity] ?? entity);
  for (const link of tweet.entities?.urls ?? []) {
    text = text.split(link.url).join(link.media_key ? '' : (link.expanded_url ?? link.url));
  }
  return normalizeForMatch(text);
}
