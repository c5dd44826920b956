import { createSend, type PlatformSend } from '../http/send';
import { type ResolvedLinkedInConfig } from './linkedin-config';
import { linkedinResponseError } from './linkedin-errors';

/** The transport for LinkedIn: its version headers on every call, its error classification. */
export function createLinkedInSend(config: ResolvedLinkedInConfig): PlatformSend {
  return createSend(
    'linkedin',
    {
      fetch: config.fetch,
      timeoutMs: config.timeoutMs,
      headers: { 'linkedin-version': config.version, 'x-restli-protocol-version': '2.0.0' },
    },
    linkedinResponseError,
  );
}
