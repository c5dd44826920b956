import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../test-support/harness';

// Schemathesis (PyPI, installed by deploy/scripts/setup.sh) fuzzes every operation of the served
// OpenAPI document with a fixed example budget and seed, every check and every phase (stateful
// included): the same run as by hand. The failures the server means (a 422 for data that does not
// exist) are listed, each with its reason, in schemathesis.toml. SCHEMATHESIS_EXAMPLES and
// SCHEMATHESIS_SEED change the budget and the seed.
const SCHEMATHESIS = join(__dirname, '..', '..', '..', '..', '.tools', 'venv', 'bin', 'schemathesis');

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw.close());

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(SCHEMATHESIS, args, { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('the API conforms to its OpenAPI document under generated input', async () => {
  expect(existsSync(SCHEMATHESIS)).toBe(true);
  const owner = await gw.register('Fuzzer');
  const result = await run([
    '--config-file',
    join(__dirname, '..', '..', 'schemathesis.toml'),
    'run',
    `${gw.url}/api/v1/openapi.json`,
    // Findings left on purpose, each with its reason (see the file).
    '--baseline',
    join(__dirname, '..', '..', 'schemathesis-baseline.json'),
    '--checks',
    'all',
    '--max-examples',
    process.env.SCHEMATHESIS_EXAMPLES ?? '40',
    '--seed',
    process.env.SCHEMATHESIS_SEED ?? '20261128',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--workers',
    '2',
    '--header',
    `Authorization: Bearer ${owner.token}`,
    '--header',
    `X-Organization-Id: ${owner.orgId}`,
    '--generation-database',
    'none',
    '--no-color',
    '--warnings',
    'off',
  ]);
  if (result.code !== 0)
    console.error(result.output.replace(/.{400,}/g, (l) => `${l.slice(0, 400)}…`).slice(-12_000));
  expect(result.code).toBe(0);
}, 300_000);
