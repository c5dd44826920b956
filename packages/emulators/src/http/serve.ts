import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** Starts `server` on `host:port` (0: a free port); resolves with the base URL once it listens. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${urlHost}:${address.port}`;
}

/** A standalone emulator's life: log where it listens as one JSON line, close on SIGINT/SIGTERM, exit. */
export function runUntilSignalled(
  service: string,
  emulator: { close(): Promise<void> },
  details: object,
): void {
  process.stdout.write(`${JSON.stringify({ level: 'info', service, ...details, msg: 'listening' })}\n`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The port an emulator's `main` reads from `variable`, or `fallback`. */
export function portFromEnv(variable: string, fallback: number): number {
  const port = Number(process.env[variable] ?? String(fallback));
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${variable} is not a port: ${port}`);
  return port;
}

/** Closes a server and every connection it holds (keep-alive ones too). */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
