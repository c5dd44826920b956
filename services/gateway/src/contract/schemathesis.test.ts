import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../test-support/harness';

// Schemathesis (PyPI, installed by deploy/scripts/setup.sh) fuzzes every operation of the served
// OpenAPI document with a fixed example budget and seed: no 5xx, and every response must conform.
const SCHEMATHESIS = join(__dirname, '..', '..', '..', '..', '.tools', 'venv', 'bin', 'schemathesis');
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
  'negative_data_rejection',
];

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
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    process.env.SCHEMATHESIS_EXAMPLES ?? '25',
    '--seed',
    '20261128',
    '--phases',
    'examples,coverage,fuzzing',
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
