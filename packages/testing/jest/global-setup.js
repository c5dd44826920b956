/**
 * Once per jest run: migrate the test database. It runs in a child process on purpose: MikroORM keeps
 * its metadata in process-wide storage, and a copy made in jest's parent realm breaks the test realms.
 */
const { execFileSync } = require('node:child_process');

module.exports = async function globalSetup() {
  require('./setup-env.js');
  const script = `
    const { initOrm, migrate } = require('@vibetribe/database');
    (async () => { const orm = await initOrm(process.env.DATABASE_URL); try { await migrate(orm); } finally { await orm.close(); } })()
      .catch((err) => { console.error(err); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script], { stdio: 'inherit', env: process.env });
};
