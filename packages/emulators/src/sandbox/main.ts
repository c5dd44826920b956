import { portFromEnv, runUntilSignalled } from '../http/serve';
import { SANDBOX_PLATFORMS, type SandboxPlatform, startSandbox } from './sandbox';

/**
 * Sandbox mode's one process: `node dist/sandbox/main.js`. SANDBOX_PLATFORMS (comma-separated, default
 * all four) picks the emulators; SANDBOX_EMULATOR_PORT (default 4010) is X's port, the others follow
 * in the order x, linkedin, facebook, instagram.
 */
async function main(): Promise<void> {
  const wanted = (process.env.SANDBOX_PLATFORMS ?? SANDBOX_PLATFORMS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = wanted.filter((p) => !(SANDBOX_PLATFORMS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`SANDBOX_PLATFORMS: no emulator for ${unknown.join(', ')}`);
  const sandbox = await startSandbox(
    wanted as SandboxPlatform[],
    portFromEnv('SANDBOX_EMULATOR_PORT', 4010),
    process.env.SANDBOX_EMULATOR_HOST ?? '127.0.0.1',
  );
  runUntilSignalled('emulators', sandbox, sandbox.urls);
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 'emulators', msg: String(err) })}\n`);
  process.exit(1);
});
