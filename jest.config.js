/** The whole suite: one jest project per workspace that has tests. */
const { workspaces } = require('./package.json');

module.exports = {
  projects: workspaces.map((w) => `<rootDir>/${w}`),
  passWithNoTests: true,
  globalSetup: '<rootDir>/packages/testing/jest/global-setup.js',
};
