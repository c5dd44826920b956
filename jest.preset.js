/**
 * ES-module-only packages (file-type and what it imports): jest runs CommonJS, so swc compiles them too.
 * Production Node loads them natively with import().
 */
const ESM_PACKAGES = ['file-type', 'strtok3', 'token-types', 'uint8array-extras', '@tokenizer', '@borewit'];

/** Shared jest settings: every workspace's jest.config.js spreads this. Tests are TypeScript run through swc. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  // Cluster-mode suites (*.cluster.test.ts) need the Temporal cluster's binaries: jest.cluster.config.js runs them.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.cluster\\.test\\.ts$'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    [`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  setupFiles: [require.resolve('./packages/testing/jest/setup-env.js')],
  testTimeout: 60_000,
};
