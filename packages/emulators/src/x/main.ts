import { startXEmulator } from './x-emulator';

// Standalone: `node dist/x/main.js`; X_EMULATOR_PORT (default 4010), X_EMULATOR_HOST (default 127.0.0.1).
async function main(): Promise<void> {
  const port = Number(process.env.X_EMULATOR_PORT ?? '4010');
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`X_EMULATOR_PORT is not a port: ${port}`);
  const emulator = await startXEmulator({ port, host: process.env.X_EMULATOR_HOST ?? '127.0.0.1' });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', service: 'x-emulator', url: emulator.url, msg: 'listening' })}\n`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'x-emulator', msg: String(err) })}\n`);
  process.exit(1);
});
