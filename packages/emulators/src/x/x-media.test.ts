import { startXEmulator, type XEmulator } from './x-emulator';
import { call } from './test-client';

let emulator: XEmulator;
const token = 'tok-m';
const bytes = (n: number) => new Blob([new Uint8Array(n)]);

function chunk(size: number, index: number, extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('media', bytes(size), 'blob');
  form.append('segment_index', String(index));
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}

const status = (id: string) => call(emulator.url, `/2/media/upload?command=STATUS&media_id=${id}`, { token });
const tweetWith = (ids: string[], text = 'media post') =>
  call(emulator.url, '/2/tweets', { token, json: { text, media: { media_ids: ids } } });

beforeAll(async () => {
  emulator = await startXEmulator({ mediaProcessingMs: 800 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.reset(true);
  emulator.addAccount({ userId: '3001', username: 'media', accessToken: token });
  emulator.addAccount({ userId: '3002', username: 'other', accessToken: 'tok-o' });
});

describe('X emulator: media', () => {
  it('takes a simple multipart image upload, usable at once', async () => {
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(1000)], { type: 'image/png' }), 'a.png');
    form.append('media_category', 'tweet_image');
    const res = await call(emulator.url, '/2/media/upload', { token, form });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      id: expect.any(String),
      media_key: `3_${res.body.data.id}`,
      size: 1000,
      expires_after_secs: 86400,
    });
    expect((await tweetWith([String(res.body.data.id)])).status).toBe(201);
    expect(
      (
        await call(emulator.url, '/2/tweets', {
          token: 'tok-o',
          json: { media: { media_ids: [res.body.data.id] } },
        })
      ).status,
    ).toBe(400);
  });

  it('runs initialize / append / finalize, then pending → in_progress → succeeded', async () => {
    const init = await call(emulator.url, '/2/media/upload/initialize', {
      token,
      json: { media_type: 'video/mp4', total_bytes: 2500, media_category: 'tweet_video' },
    });
    const id = init.body.data.id as string;
    expect(init.body.data.processing_info).toBeUndefined();
    for (const [i, size] of [1000, 1000, 500].entries()) {
      expect(
        (await call(emulator.url, `/2/media/upload/${id}/append`, { token, form: chunk(size, i) })).status,
      ).toBe(200);
    }
    const fin = await call(emulator.url, `/2/media/upload/${id}/finalize`, { token, method: 'POST' });
    expect(fin.body.data.processing_info).toEqual({
      state: 'pending',
      check_after_secs: 1,
      progress_percent: 0,
    });
    expect((await tweetWith([id])).body.errors[0].message).toBe('Your media IDs are invalid.');
    expect((await status(id)).body.data.processing_info.state).toBe('in_progress');
    await new Promise((r) => setTimeout(r, 850));
    expect((await status(id)).body.data.processing_info).toEqual({
      state: 'succeeded',
      progress_percent: 100,
    });
    expect((await tweetWith([id])).status).toBe(201);
  });

  it('accepts the command=INIT|APPEND|FINALIZE shape', async () => {
    const init = await call(emulator.url, '/2/media/upload', {
      token,
      body: 'command=INIT&media_type=image%2Fgif&total_bytes=1500&media_category=tweet_gif',
      contentType: 'application/x-www-form-urlencoded',
    });
    const id = init.body.data.id as string;
    expect(init.body.data.media_key).toBe(`16_${id}`);
    await call(emulator.url, '/2/media/upload', {
      token,
      form: chunk(1500, 0, { command: 'APPEND', media_id: id }),
    });
    const fin = await call(emulator.url, `/2/media/upload?command=FINALIZE&media_id=${id}`, {
      token,
      method: 'POST',
    });
    expect(fin.body.data.processing_info.state).toBe('pending');
  });

  it('refuses a size mismatch, an oversized file and a mix of video and image', async () => {
    const init = await call(emulator.url, '/2/media/upload/initialize', {
      token,
      json: { media_type: 'video/mp4', total_bytes: 2000, media_category: 'tweet_video' },
    });
    await call(emulator.url, `/2/media/upload/${init.body.data.id}/append`, { token, form: chunk(1000, 0) });
    const fin = await call(emulator.url, `/2/media/upload/${init.body.data.id}/finalize`, {
      token,
      method: 'POST',
    });
    expect(fin.status).toBe(400);

    const big = await call(emulator.url, '/2/media/upload/initialize', {
      token,
      json: { media_type: 'image/png', total_bytes: 6 * 1024 * 1024, media_category: 'tweet_image' },
    });
    expect(big.body.errors[0].message).toBe('File size exceeds 5242880 bytes.');

    emulator.configure({ mediaProcessingMs: 0 });
    const ids: string[] = [];
    for (const [type, category] of [
      ['video/mp4', 'tweet_video'],
      ['image/png', 'tweet_image'],
    ] as const) {
      const res = await call(emulator.url, '/2/media/upload/initialize', {
        token,
        json: { media_type: type, total_bytes: 10, media_category: category },
      });
      await call(emulator.url, `/2/media/upload/${res.body.data.id}/append`, { token, form: chunk(10, 0) });
      await call(emulator.url, `/2/media/upload/${res.body.data.id}/finalize`, { token, method: 'POST' });
      ids.push(res.body.data.id as string);
    }
    expect((await tweetWith(ids)).status).toBe(400);
  });

  it('reports injected processing failures', async () => {
    emulator.configure({ mediaProcessingMs: 0 });
    emulator.setFaults({ failMediaProcessingNext: 1 });
    const init = await call(emulator.url, '/2/media/upload/initialize', {
      token,
      json: { media_type: 'video/mp4', total_bytes: 5 },
    });
    await call(emulator.url, `/2/media/upload/${init.body.data.id}/append`, { token, form: chunk(5, 0) });
    const fin = await call(emulator.url, `/2/media/upload/${init.body.data.id}/finalize`, {
      token,
      method: 'POST',
    });
    expect(fin.body.data.processing_info).toMatchObject({ state: 'failed', error: { name: 'InvalidMedia' } });
  });
});
