/** The whole suite: one jest project per workspace that has tests. */
const { workspaces } = require('./package.json');

module.exports = {
  projects: workspaces.map((w) => `<rootDir>/${w}`),
  passWithNoTests: true,
  // A global option: in projects mode the preset's value is ignored.
  testTimeout: 60_000,
  // Temporal's gRPC channels and NATS reconnect timers can outlive a suite by seconds; do not hang CI on them.
  forceExit: true,
  globalSetup: '<rootDir>/packages/testing/jest/global-setup.js',
};
