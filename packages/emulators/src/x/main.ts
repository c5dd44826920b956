import { portFromEnv, runUntilSignalled } from '../http/serve';
import { startXEmulator } from './x-emulator';

// Standalone: `node dist/x/main.js`; X_EMULATOR_PORT (default 4010), X_EMULATOR_HOST (default 127.0.0.1).
async function main(): Promise<void> {
  const port = portFromEnv('X_EMULATOR_PORT', 4010);
  const emulator = await startXEmulator({ port, host: process.env.X_EMULATOR_HOST ?? '127.0.0.1' });
  runUntilSignalled('x-emulator', emulator, { url: emulator.url });
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'x-emulator', msg: String(err) })}\n`);
  process.exit(1);
});
