import { readFields, textField } from '../kit/kit-fields';
import { issueTokens, redeemCode } from '../kit/kit-oauth';
import { type KitContext } from '../kit/kit-route';
import { graphError } from './graph-problems';

/** Redeems an authorization code from the fields of a Graph-style token request; errors in Graph words. */
export async function graphCodeExchange(ctx: KitContext, ttlS?: number) {
  const fields = await readFields(ctx);
  const f = (name: string) => textField(fields, name);
  if (!f('client_secret')) throw graphError(400, 1, 'Missing client_secret parameter.');
  let accountId: string;
  try {
    accountId = redeemCode(ctx, {
      code: f('code'),
      clientId: f('client_id'),
      redirectUri: f('redirect_uri'),
    }).accountId;
  } catch {
    throw graphError(400, 100, 'This authorization code has been used or has expired.', 36009);
  }
  const issued = issueTokens(ctx, accountId, false);
  if (ttlS !== undefined) issued.access.expiresAtMs = Date.now() + ttlS * 1000;
  return { accountId, token: issued.access.token, expiresIn: ttlS ?? issued.expiresIn, fields };
}
