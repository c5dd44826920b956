/** Jest for @vibetribe/media. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'media' };
