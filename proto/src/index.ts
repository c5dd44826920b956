export * from './subjects';
export * from './socket-events';
export * from './socket-contract';
export * from './codec';
export * from './stream';
export * from './catalog';
export * from './events';
export * from './stream-event';
export * from './target-state';
export * from './gen/vibetribe/events/v1/post_pb';
export * from './gen/vibetribe/events/v1/media_pb';
export * from './gen/vibetribe/events/v1/analytics_pb';
export * from './gen/vibetribe/events/v1/presence_pb';
export * from './gen/vibetribe/events/v1/notification_pb';
export * from './gen/vibetribe/events/v1/ops_pb';
// The protobuf runtime helpers callers need with these messages, from the same copy of the library.
export {
  create,
  clone,
  equals,
  toJson,
  fromJson,
  type JsonObject,
  type MessageShape,
  type MessageInitShape,
} from '@bufbuild/protobuf';
export { timestampFromDate, timestampDate, timestampNow, type Timestamp } from '@bufbuild/protobuf/wkt';
