import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { signAccessToken } from '@vibetribe/runtime';
import type { Realtime } from './app';
import {
  connect,
  connectAs,
  fixtures,
  migrateTestDatabase,
  startRealtime,
  testDatabase,
  type MikroORM,
  testKeys,
} from './test/harness';

describe('the handshake', () => {
  const keys = testKeys();
  let realtime: Realtime;
  let url: string;
  let orm: MikroORM;
  let userId: string;

  beforeAll(async () => {
    await migrateTestDatabase();
    orm = await testDatabase();
    userId = await fixtures(orm).user();
    ({ realtime, url } = await startRealtime(keys));
  });
  afterAll(async () => {
    await realtime.stop();
    await orm.close();
  });

  it('refuses a connection without a token', async () => {
    await expect(connect(url)).rejects.toMatchObject({
      message: expect.stringMatching(/^unauthorized: send an access token/),
      data: { type: 'unauthorized' },
    });
  });

  it('refuses a token signed with another key', async () => {
    const forged = signAccessToken(testKeys(), userId).token;
    await expect(connect(url, { token: forged })).rejects.toThrow(
      /unauthorized: invalid access token \(unknown key id\)/,
    );
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ purpose: 'access', iat: now - 3600, exp: now - 60 }, keys.privateKey, {
      algorithm: 'ES256',
      subject: userId,
      issuer: keys.issuer,
      audience: keys.audience,
      jwtid: randomUUID(),
    });
    await expect(connect(url, { token: expired })).rejects.toThrow(/jwt expired/);
  });

  it('refuses a token of another purpose or audience', async () => {
    const refresh = jwt.sign({ purpose: 'refresh' }, keys.privateKey, {
      algorithm: 'ES256',
      subject: userId,
      issuer: keys.issuer,
      audience: keys.audience,
      expiresIn: 60,
      jwtid: randomUUID(),
    });
    await expect(connect(url, { token: refresh })).rejects.toThrow(/unexpected claims/);
    const otherAudience = signAccessToken({ ...keys, audience: 'someone-else' }, userId).token;
    await expect(connect(url, { token: otherAudience })).rejects.toThrow(/audience invalid/);
  });

  it('accepts a valid token in auth.token or an Authorization header', async () => {
    const viaAuth = await connectAs(url, keys, userId);
    const viaHeader = await connect(url, undefined, {
      Authorization: `Bearer ${signAccessToken(keys, userId).token}`,
    });
    expect(viaAuth.connected && viaHeader.connected).toBe(true);
    viaAuth.close();
    viaHeader.close();
  });

  it('closes a socket once its token has expired', async () => {
    const socket = await connectAs(url, keys, userId);
    const server = realtime.io.of('/').sockets.get(socket.id!);
    server!.data.tokenExp = Math.floor(Date.now() / 1000) - 1;
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const told = new Promise<unknown>((resolve) => socket.once('error', resolve));
    await realtime.sweep();
    await expect(told).resolves.toMatchObject({ type: 'unauthorized' });
    await expect(closed).resolves.toBe('io server disconnect');
  });
});
