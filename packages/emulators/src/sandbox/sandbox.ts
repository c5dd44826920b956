import { startFacebookEmulator } from '../facebook/facebook-emulator';
import { startInstagramEmulator } from '../instagram/instagram-emulator';
import { type KitEmulator } from '../kit/kit-emulator';
import { startLinkedInEmulator } from '../linkedin/linkedin-emulator';
import { startXEmulator } from '../x/x-emulator';

/** The platforms sandbox mode can stand in for, in port order (base, base + 1, …). */
export const SANDBOX_PLATFORMS = ['x', 'linkedin', 'facebook', 'instagram'] as const;
/** One of {@link SANDBOX_PLATFORMS}. */
export type SandboxPlatform = (typeof SANDBOX_PLATFORMS)[number];

/** The emulators `npm start` runs when platforms have no client credentials. */
export interface Sandbox {
  urls: Partial<Record<SandboxPlatform, string>>;
  close(): Promise<void>;
}

/**
 * A consenting user for each kit emulator, so the first OAuth round trip finds someone to sign in as
 * (the X emulator makes its user at consent): a LinkedIn member, a Facebook user with a page, an
 * Instagram business account.
 */
function seed(platform: Exclude<SandboxPlatform, 'x'>, emulator: KitEmulator): void {
  if (platform === 'linkedin') emulator.addAccount({ id: '7001', name: 'Sandbox Member', type: 'person' });
  if (platform === 'facebook') {
    emulator.addAccount({ id: '7101', name: 'Sandbox User', type: 'user' });
    emulator.addAccount({ id: '7102', name: 'Sandbox Page', type: 'page', ownerId: '7101' });
  }
  if (platform === 'instagram')
    emulator.addAccount({ id: '7201', name: 'sandbox_business', type: 'business' });
}

/** Starts the emulators of `platforms` on `host`, platform i on `basePort + i` (0: free ports). */
export async function startSandbox(
  platforms: readonly SandboxPlatform[],
  basePort: number,
  host = '127.0.0.1',
): Promise<Sandbox> {
  const started: { platform: SandboxPlatform; emulator: { url: string; close(): Promise<void> } }[] = [];
  try {
    for (const platform of platforms) {
      const port = basePort === 0 ? 0 : basePort + SANDBOX_PLATFORMS.indexOf(platform);
      if (platform === 'x') {
        started.push({ platform, emulator: await startXEmulator({ port, host }) });
        continue;
      }
      const start = {
        linkedin: startLinkedInEmulator,
        facebook: startFacebookEmulator,
        instagram: startInstagramEmulator,
      }[platform];
      const emulator = await start({ port, host });
      seed(platform, emulator);
      started.push({ platform, emulator });
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.emulator.close()));
    throw err;
  }
  return {
    urls: Object.fromEntries(started.map((s) => [s.platform, s.emulator.url])),
    close: async () => {
      await Promise.all(started.map((s) => s.emulator.close()));
    },
  };
}
