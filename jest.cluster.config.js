/**
 * The cluster-mode suite (`*.cluster.test.ts`): a private multi-process Temporal cluster and two of each
 * service as real processes. `npm test` runs it after the main suite, once deploy/scripts/temporal-build.sh
 * has the Temporal binaries (built on first use, cached outside the clone).
 */
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'cluster',
  rootDir: __dirname,
  roots: ['<rootDir>/services'],
  testMatch: ['<rootDir>/services/*/src/**/*.cluster.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 240_000,
  forceExit: true,
  globalSetup: '<rootDir>/packages/testing/jest/global-setup.js',
};
