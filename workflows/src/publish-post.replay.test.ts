import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';

// Histories recorded from real runs (services/worker: RECORD_FIXTURES=1 npx jest record-fixtures); a
// change to the workflow that would break a running post's replay fails here. Before the first release
// such a change re-records the fixtures; after it, it follows the README's versioning policy.
const FIXTURES = join(__dirname, '__fixtures__');
const histories = readdirSync(FIXTURES).filter((f) => f.endsWith('.history.json'));

describe('the workflows replay their recorded histories (publishPostWorkflow, accountTokensWorkflow)', () => {
  test('fixtures exist', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  test.each(histories)('%s', async (file) => {
    const history: unknown = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowsPath: require.resolve('./workflows') }, history, `replay-${file}`),
    ).resolves.toBeUndefined();
  });
});
