/** Jest for @vibetribe/worker. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'worker' };
