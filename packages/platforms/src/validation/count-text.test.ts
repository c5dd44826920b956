import { countText } from './count-text';

describe('countText', () => {
  it.each([
    ['Latin counts 1', 'a'.repeat(280), 280],
    ['CJK counts 2', '中'.repeat(141), 282],
    ['an emoji counts 2', '😀'.repeat(140), 280],
    ['a ZWJ family is one emoji', '👨‍👩‍👧‍👦', 2],
    ['every URL counts 23', `https://example.com/${'a'.repeat(300)} and example.org`, 23 + 5 + 23],
    ['text is NFC-normalized first', 'e\u0301', 1],
  ])('X: %s', (_name, text, used) => {
    expect(countText('x', text)).toEqual({ used, max: 280 });
  });

  it('Bluesky counts graphemes, so 300 family emoji fit though they are 7,500 bytes', () => {
    expect(countText('bluesky', '👨‍👩‍👧‍👦'.repeat(300))).toEqual({ used: 300, max: 300 });
  });

  it.each([
    ['a simple emoji is 4', '😀', 4],
    ['a ZWJ family is 25', '👨‍👩‍👧‍👦', 25],
    ['a flag is 8', '🇺🇸', 8],
    ['a keycap is 7', '1️⃣', 7],
    ['a heart with VS16 is 6', '❤️', 6],
    ['CJK is 1 per character', '中文', 2],
  ])('Threads: %s', (_name, text, used) => {
    expect(countText('threads', text).used).toBe(used);
  });

  it('Mastodon counts a URL as 23 and a remote mention by its local part', () => {
    expect(countText('mastodon', `hi https://example.com/${'a'.repeat(100)}`).used).toBe(3 + 23);
    expect(countText('mastodon', '@bob@mastodon.social hi').used).toBe('@bob hi'.length);
    expect(countText('mastodon', 'example.com').used).toBe(11);
  });

  it('honours a limit override', () => {
    expect(countText('mastodon', 'x', { textMax: 5000 })).toEqual({ used: 1, max: 5000 });
  });
});
