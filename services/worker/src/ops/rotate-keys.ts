import { type EntityManager } from '@vibetribe/database';
import { type SecretBox, tokenContext } from '@vibetribe/runtime';

interface TokenRow {
  id: string;
  organization_id: string;
  access_token_enc: string;
  refresh_token_enc: string | null;
}

/** What a rotation did. */
export interface RotationReport {
  /** Accounts whose tokens were rewritten under the current key. */
  rotated: number;
  /** Accounts looked at. */
  total: number;
  keyId: string;
}

/**
 * Re-encrypts every stored secret (the social accounts' tokens: the only ones kept reversibly) that is
 * not under `box`'s current key in the current format, each row in its own short transaction under a
 * row lock, so a token written meanwhile is never overwritten with an older one. The previous key must
 * still be in the ring; afterwards it can be removed. Idempotent: a second run rewrites nothing.
 */
export async function rotateStoredSecrets(em: EntityManager, box: SecretBox): Promise<RotationReport> {
  const ids = await em
    .getConnection()
    .execute<{ id: string }[]>('select id from social_accounts order by id');
  let rotated = 0;
  for (const { id } of ids) {
    const changed = await em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const [row] = await conn.execute<TokenRow[]>(
        'select id, organization_id, access_token_enc, refresh_token_enc from social_accounts where id = ? for update',
        [id],
      );
      if (!row) return false;
      const fields = [row.access_token_enc, row.refresh_token_enc].filter((c): c is string => !!c);
      // A disconnected account's tokens are wiped (empty): nothing to rotate.
      if (!fields.some((c) => c !== '' && box.isStale(c))) return false;
      const context = tokenContext(row.organization_id, row.id);
      const again = (c: string | null) => (c ? box.encrypt(box.decrypt(c, context), context) : c);
      await conn.execute(
        'update social_accounts set access_token_enc = ?, refresh_token_enc = ?, updated_at = now() where id = ?',
        [again(row.access_token_enc), again(row.refresh_token_enc), row.id],
      );
      return true;
    });
    if (changed) rotated++;
  }
  return { rotated, total: ids.length, keyId: box.currentKeyId };
}
