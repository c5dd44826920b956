import { portFromEnv, runUntilSignalled } from '../http/serve';
import { startCloudinaryEmulator } from './cloudinary-emulator';

// Standalone: `node dist/cloudinary/main.js`; CLOUDINARY_EMULATOR_PORT (default 4020),
// CLOUDINARY_EMULATOR_HOST (default 127.0.0.1). Prints the CLOUDINARY_URL that points the services at it.
async function main(): Promise<void> {
  const port = portFromEnv('CLOUDINARY_EMULATOR_PORT', 4020);
  const host = process.env.CLOUDINARY_EMULATOR_HOST ?? '127.0.0.1';
  const emulator = await startCloudinaryEmulator({ port, host });
  runUntilSignalled('cloudinary-emulator', emulator, {
    url: emulator.url,
    CLOUDINARY_URL: emulator.cloudinaryUrl,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: 'cloudinary-emulator', msg: String(err) })}\n`,
  );
  process.exit(1);
});
