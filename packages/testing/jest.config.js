/** Jest for @vibetribe/testing. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'testing' };
