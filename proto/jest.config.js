/** Jest for @vibetribe/proto. */
module.exports = { ...require('../jest.preset.js'), displayName: 'proto' };
