/** Jest for @vibetribe/database. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'database' };
