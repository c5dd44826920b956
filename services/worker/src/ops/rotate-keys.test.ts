import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { initOrm, migrate, type MikroORM, Organization, SocialAccount } from '@vibetribe/database';
import { createKeyringBox, encryptAccountTokens, type RingKey, tokenContext } from '@vibetribe/runtime';
import { startPrivatePostgres, type PrivatePostgres } from '../testing/private-postgres';
import { rotateStoredSecrets } from './rotate-keys';

jest.setTimeout(120_000);

const oldKey: RingKey = { id: 'old', key: randomBytes(32) };
const newKey: RingKey = { id: 'new', key: randomBytes(32) };

/** A token as the box wrote it before the keyring: `v1.k1.…`, the key id as the only associated data. */
function legacyV1(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from('k1'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', 'k1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

let pg: PrivatePostgres;
let orm: MikroORM;
beforeAll(async () => {
  pg = await startPrivatePostgres();
  orm = await initOrm(pg.url);
  await migrate(orm);
});
afterAll(async () => {
  await orm?.close();
  await pg?.dispose();
});

const dump = () => execFileSync('/usr/lib/postgresql/15/bin/pg_dump', [pg.url], { encoding: 'utf8' });

test('rotation re-encrypts every token under the new key; the old key can then go; no dump holds a token', async () => {
  const em = orm.em.fork();
  const org = new Organization('Rotate', `rotate-${randomUUID().slice(0, 8)}`);
  const plain = {
    legacy: `legacy-${randomUUID()}`,
    old: `old-${randomUUID()}`,
    refresh: `rt-${randomUUID()}`,
    current: `cur-${randomUUID()}`,
  };
  const legacy = new SocialAccount(org, 'x', '1', 'legacy', legacyV1(oldKey.key, plain.legacy));
  const underOld = new SocialAccount(org, 'x', '2', 'old', '');
  Object.assign(
    underOld,
    encryptAccountTokens(createKeyringBox([oldKey]), org.id, underOld.id, {
      accessToken: plain.old,
      refreshToken: plain.refresh,
    }),
  );
  const current = new SocialAccount(org, 'x', '3', 'current', '');
  Object.assign(
    current,
    encryptAccountTokens(createKeyringBox([newKey]), org.id, current.id, { accessToken: plain.current }),
  );
  await em.persist([org, legacy, underOld, current]).flush();
  for (const token of Object.values(plain)) expect(dump()).not.toContain(token);

  const ring = createKeyringBox([newKey, oldKey]);
  expect(await rotateStoredSecrets(orm.em.fork(), ring)).toEqual({ rotated: 2, total: 3, keyId: 'new' });
  expect(await rotateStoredSecrets(orm.em.fork(), ring)).toMatchObject({ rotated: 0 });

  // Without the old key, every token still decrypts, bound to its own organization and account.
  const onlyNew = createKeyringBox([newKey]);
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ id: string; access_token_enc: string; refresh_token_enc: string | null }[]>(
      'select id, access_token_enc, refresh_token_enc from social_accounts order by external_id',
    );
  const opened = rows.map((r) => onlyNew.decrypt(r.access_token_enc, tokenContext(org.id, r.id)));
  expect(opened).toEqual([plain.legacy, plain.old, plain.current]);
  expect(onlyNew.decrypt(rows[1]!.refresh_token_enc!, tokenContext(org.id, rows[1]!.id))).toBe(plain.refresh);
  for (const r of rows) expect(r.access_token_enc).toMatch(/^v2\.new\./);
  // A ciphertext copied onto another account's row does not open there.
  expect(() => onlyNew.decrypt(rows[0]!.access_token_enc, tokenContext(org.id, rows[2]!.id))).toThrow(
    /authentication failed/,
  );
  const text = dump();
  for (const token of Object.values(plain)) expect(text).not.toContain(token);
});
