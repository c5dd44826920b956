export { startXEmulator, type XEmulator, type XEmulatorOptions } from './x/x-emulator';
export * from './x/x-types';
export { DEFAULT_SETTINGS as X_EMULATOR_DEFAULTS } from './x/x-state';
