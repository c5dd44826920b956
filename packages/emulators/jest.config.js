/** Jest for @vibetribe/emulators. */
module.exports = { ...require('../../jest.preset.js'), displayName: 'emulators' };
