export { createActivities, type Activities } from './activities';
export { type ActivityDeps, type MediaLoader, fetchMedia } from './deps';
export { natsPostEvents, type PostEvents, type PostStatusChangedInit } from './events';
export { clientRefFor } from './ledger';
export { toActivityFailure } from './classify';
