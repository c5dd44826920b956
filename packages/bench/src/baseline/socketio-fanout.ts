/**
 * The realtime baseline: a bare Socket.IO server in its own process, like a realtime node, with no
 * authentication, no database and no JetStream. A socket joins the organization room its handshake names
 * (`auth.org`); a core NATS subscription on every organization's `post.status` emits each event to its
 * organization's room, as the same client JSON the relay sends. Listens on a free loopback port and
 * sends `{ port }` to its parent; SIGTERM closes it.
 */
import { createServer } from 'node:http';
import {
  connectEventBus,
  eventToClientJson,
  PostStatusChangedSchema,
  rooms,
  SERVER_EVENTS,
} from '@vibetribe/proto';
import { Server } from 'socket.io';

async function main(): Promise<void> {
  const bus = await connectEventBus({
    servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'bench-socketio-baseline',
    ensureStream: false,
  });
  const server = createServer();
  const io = new Server(server, { serveClient: false });
  io.on('connection', (socket) => {
    const org: unknown = (socket.handshake.auth as { org?: unknown }).org;
    if (typeof org === 'string') void socket.join(rooms.org(org));
  });
  // `vt.<org>.post.status`: the organization is the subject's second token, as the relay reads it.
  bus.subscribe(
    'vt.*.post.status',
    PostStatusChangedSchema,
    (message, msg) => {
      const org = msg.subject.split('.')[1]!;
      io.to(rooms.org(org)).emit(
        SERVER_EVENTS.postStatusUpdate,
        eventToClientJson(PostStatusChangedSchema, message),
      );
    },
    { onError: (err) => console.error(err) },
  );
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as { port: number }).port });
  });
  process.once('SIGTERM', () => {
    void io.close();
    void bus.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
