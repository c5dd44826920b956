/** Jest for @vibetribe/bench. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'bench' };
