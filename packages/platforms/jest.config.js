/** Jest for @vibetribe/platforms. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'platforms' };
