import { randomBytes } from 'node:crypto';
import { HttpProblem } from '../http/io';
import { type KitRefusal } from '../kit/kit-route';

/** A Graph API error: `{error:{message, type, code, error_subcode?, is_transient, fbtrace_id}}`. */
export function graphError(
  status: number,
  code: number,
  message: string,
  subcode?: number,
  headers: Record<string, string> = {},
): HttpProblem {
  return new HttpProblem(
    status,
    {
      error: {
        message,
        type:
          code === 190 || code === 100
            ? 'OAuthException'
            : code < 100
              ? 'OAuthException'
              : 'GraphMethodException',
        code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        is_transient: code === 1 || code === 2 || code === -1 || code === -2,
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
    headers,
  );
}

/**
 * The kit's refusals in Graph words: a bad or expired token is code 190 (HTTP 400, as Graph sends it),
 * an injected 429 is code 4 (application request limit), an exhausted quota is `quotaCode`.
 */
export function graphRefusal(quota: [code: number, subcode: number | undefined, message: string]) {
  return (status: number, reason: KitRefusal, message?: string): HttpProblem => {
    switch (reason) {
      case 'invalid_token':
        return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
      case 'expired_token':
        return graphError(400, 190, 'Error validating access token: Session has expired.', 463);
      case 'rate_limited':
        return graphError(status, 4, 'Application request limit reached');
      case 'quota_exhausted':
        return graphError(400, quota[0], quota[2], quota[1]);
      case 'not_found':
        return graphError(404, 803, message ?? 'Some of the aliases you requested do not exist');
      case 'bad_request':
        return graphError(400, 100, message ?? 'Invalid parameter');
      case 'injected':
        return graphError(status, 2, 'An unexpected error has occurred. Please retry your request later.');
    }
  };
}

/** Graph's usage header: minutes until access is regained (`estimated_time_to_regain_access`). */
export function graphUsageHeaders(resetAtMs: number, accountId = '0'): Record<string, string> {
  const minutes = Math.max(1, Math.ceil((resetAtMs - Date.now()) / 60_000));
  return {
    'x-business-use-case-usage': JSON.stringify({
      [accountId]: [
        {
          type: 'pages',
          call_count: 100,
          total_cputime: 100,
          total_time: 100,
          estimated_time_to_regain_access: minutes,
        },
      ],
    }),
  };
}
