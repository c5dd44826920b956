import { type SecretBox, tokenContext } from './secret-box';

/** An account's tokens as stored: ciphertexts bound to the organization and the account. */
export interface EncryptedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string | null;
}

/** Encrypts an account's tokens, binding each to `orgId` and `accountId` (a copy onto another row fails to decrypt). */
export function encryptAccountTokens(
  box: SecretBox,
  orgId: string,
  accountId: string,
  tokens: { accessToken: string; refreshToken?: string | null | undefined },
): EncryptedTokens {
  const context = tokenContext(orgId, accountId);
  return {
    accessTokenEnc: box.encrypt(tokens.accessToken, context),
    refreshTokenEnc: tokens.refreshToken ? box.encrypt(tokens.refreshToken, context) : null,
  };
}

/** The plaintext tokens of an account's row; throws (naming no secret) when they cannot be decrypted. */
export function decryptAccountTokens(
  box: SecretBox,
  row: { organizationId: string; accountId: string; accessTokenEnc: string; refreshTokenEnc?: string | null },
): { accessToken: string; refreshToken: string | null } {
  const context = tokenContext(row.organizationId, row.accountId);
  return {
    accessToken: box.decrypt(row.accessTokenEnc, context),
    refreshToken: row.refreshTokenEnc ? box.decrypt(row.refreshTokenEnc, context) : null,
  };
}
