/** Jest for @vibetribe/realtime. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'realtime' };
