import { type Platform } from '../platform';
import { type PlatformLimits, resolveLimits } from './limits';
import { mediaViolations } from './media-rules';
import { textViolations } from './text-rules';
import { type PostInput, type Violation } from './types';

/**
 * Every rule `input` breaks on `platform` (empty when it can be published). Pure: the gateway runs it
 * when a post is saved and the publishing activity again before sending, with the account's limits.
 */
export function validateForPlatform(
  platform: Platform,
  input: PostInput,
  limits?: Partial<PlatformLimits>,
): Violation[] {
  const resolved = resolveLimits(platform, limits);
  return [...textViolations(platform, input, resolved), ...mediaViolations(platform, input, resolved)];
}
