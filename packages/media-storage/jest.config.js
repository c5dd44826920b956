/** Jest for @vibetribe/media-storage. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'media-storage' };
