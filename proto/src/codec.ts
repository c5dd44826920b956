import {
  type DescMessage,
  type JsonObject,
  type MessageShape,
  fromJsonString,
  toJson,
  toJsonString,
} from '@bufbuild/protobuf';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The wire form of an event: its protobuf JSON mapping, so `nats sub` shows something a person can read. */
export function encodeEvent<D extends DescMessage>(schema: D, message: MessageShape<D>): Uint8Array {
  return utf8Encoder.encode(toJsonString(schema, message));
}

/**
 * Reads an event from the wire. Unknown fields (and unknown enum names) are ignored, so a producer that
 * adds a field never breaks a consumer built from the older schema.
 */
export function decodeEvent<D extends DescMessage>(schema: D, data: Uint8Array | string): MessageShape<D> {
  const text = typeof data === 'string' ? data : utf8Decoder.decode(data);
  return fromJsonString(schema, text, { ignoreUnknownFields: true });
}

/**
 * The object sent to Socket.IO clients: protobuf JSON (camelCase), with every known field present even
 * when it holds its default, so clients can rely on the shape.
 */
export function eventToClientJson<D extends DescMessage>(schema: D, message: MessageShape<D>): JsonObject {
  return toJson(schema, message, { alwaysEmitImplicit: true }) as JsonObject;
}
