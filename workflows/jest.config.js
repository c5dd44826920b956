/** Jest for @vibetribe/workflows. */
module.exports = { ...require('../jest.preset.js'), displayName: 'workflows' };
