import { normalizeForMatch, tweetTextForMatch } from './x-match';

describe('matching our text against a timeline post', () => {
  it('normalizes to NFC and trims', () => {
    expect(normalizeForMatch(' Cafe\u0301 ')).toBe(normalizeForMatch('Café'));
  });

  it('undoes what X does to the text: escaping, t.co links, the media link', () => {
    const ours = 'Tom & Jerry <3 https://www.Example.com/Path/ 😀';
    const theirs = tweetTextForMatch({
      id: '1',
      text: 'Tom &amp; Jerry &lt;3 https://t.co/abc 😀 https://t.co/media',
      entities: {
        urls: [
          { url: 'https://t.co/abc', expanded_url: 'https://example.com/Path' },
          { url: 'https://t.co/media', expanded_url: 'https://x.com/u/status/1/photo/1', media_key: '3_1' },
        ],
      },
    });
    expect(theirs).toBe(normalizeForMatch(ours));
  });

  it('still tells different links apart', () => {
    expect(normalizeForMatch('see https://a.example/1')).not.toBe(
      normalizeForMatch('see https://a.example/2'),
    );
  });
});
