import { HttpProblem } from '../http/io';
import { type KitRefusal } from '../kit/kit-route';

const body = (status: number, serviceErrorCode: number, message: string, extra: object = {}) => ({
  status,
  serviceErrorCode,
  code: status === 401 ? 'EXPIRED_ACCESS_TOKEN' : undefined,
  message,
  ...extra,
});

const MESSAGES: Readonly<Record<KitRefusal, [number, string]>> = {
  invalid_token: [65600, 'Invalid access token'],
  expired_token: [65601, 'The token used in the request has expired'],
  rate_limited: [101, 'Resource level throttle limit for calls to this resource is reached.'],
  quota_exhausted: [
    101,
    'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
  ],
  injected: [0, 'Internal Server Error'],
  not_found: [0, 'Not Found'],
  bad_request: [100, 'Bad Request'],
};

/** LinkedIn's error body, `{status, serviceErrorCode, message}`. */
export function linkedinProblem(status: number, reason: KitRefusal, message?: string): HttpProblem {
  const [code, text] = MESSAGES[reason];
  return new HttpProblem(status, body(status, code, message ?? text));
}

/** A 422 for a post whose commentary the author already posted. */
export function duplicatePost(existing: string): HttpProblem {
  return new HttpProblem(
    422,
    body(422, 0, `Content is a duplicate of ${existing}`, {
      errorDetails: {
        inputErrors: [{ code: 'DUPLICATE_POST', input: { inputPath: { fieldPath: 'commentary' } } }],
      },
    }),
  );
}

/** A 400 naming the bad field, as LinkedIn's validation does. */
export const invalidInput = (message: string) => linkedinProblem(400, 'bad_request', message);
