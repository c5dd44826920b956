export { createActivities, type Activities } from './activities';
export { type ActivityDeps, type MediaLoader, type MediaUrl, fetchMedia } from './deps';
export { type PostStatusChangedInit } from './events';
export { clientRefFor } from './ledger';
export { toActivityFailure } from './classify';
export { createPeriodicActivities } from './periodic/periodic-activities';
export {
  DEFAULT_PERIODIC_SETTINGS,
  type MediaFiles,
  type MediaJobs,
  type PeriodicDeps,
  type PeriodicSettings,
} from './periodic/deps';
export { temporalRequestRefresh } from './refresh-request';
export { tokenFingerprint } from './account-tokens';
export type { RequestRefresh } from './tokens';
