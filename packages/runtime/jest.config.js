/** Jest for @vibetribe/runtime. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'runtime' };
