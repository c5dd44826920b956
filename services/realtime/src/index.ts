export { createRealtime, type Realtime, type RealtimeDeps } from './app';
export { realtimeEnv, type RealtimeEnv } from './env';
export { routeEvent, type Delivery } from './relay';
export type { RealtimeServer, RealtimeSocket, SocketData } from './types';
