import { HttpProblem } from '../http/io';

/** X's answer to an invalid request: problem JSON plus `errors[].message`. */
export function badRequest(message: string): HttpProblem {
  return new HttpProblem(400, {
    errors: [{ message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  });
}

/** The exact 401 X sends for a missing or unknown bearer token. */
export const UNAUTHORIZED_BODY = {
  title: 'Unauthorized',
  type: 'about:blank',
  status: 401,
  detail: 'Unauthorized',
};

/** X's answer to a post whose text the same user already posted. */
export function duplicateContent(): HttpProblem {
  return new HttpProblem(403, {
    detail: 'You are not allowed to create a Tweet with duplicate content.',
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
  });
}

const TITLES: Readonly<Record<number, string>> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A bare problem body for an injected or rate-limit failure. */
export function statusProblem(status: number, headers: Record<string, string> = {}): HttpProblem {
  const title = TITLES[status] ?? `HTTP ${status}`;
  return new HttpProblem(status, { title, detail: title, type: 'about:blank', status }, headers);
}

/** X answers an unknown id with 200 and an `errors` entry, not a 404. */
export function notFoundError(resourceType: 'tweet' | 'user', id: string): Record<string, unknown> {
  return {
    value: id,
    detail: `Could not find ${resourceType} with id: [${id}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter: 'id',
    resource_id: id,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}
