/** Jest for @vibetribe/activities. */
module.exports = { ...require('../jest.preset.js'), displayName: 'activities' };
