export { startXEmulator, type XEmulator, type XEmulatorOptions } from './x/x-emulator';
export * from './x/x-types';
export { DEFAULT_SETTINGS as X_EMULATOR_DEFAULTS } from './x/x-state';
export {
  startCloudinaryEmulator,
  type CloudinaryEmulator,
  type CloudinaryEmulatorOptions,
} from './cloudinary/cloudinary-emulator';
export type { CloudinaryAsset, CloudinaryStats } from './cloudinary/cloudinary-types';
export { startKitEmulator, type KitEmulator, type KitEmulatorOptions } from './kit/kit-emulator';
export type { KitAccount, KitFaults, KitPost, KitSettings, KitStats } from './kit/kit-types';
export { startLinkedInEmulator } from './linkedin/linkedin-emulator';
export { startFacebookEmulator } from './facebook/facebook-emulator';
export { startInstagramEmulator } from './instagram/instagram-emulator';
export { startSandbox, SANDBOX_PLATFORMS, type Sandbox, type SandboxPlatform } from './sandbox/sandbox';
