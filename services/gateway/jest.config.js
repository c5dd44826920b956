/** Jest for @vibetribe/gateway. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'gateway' };
