import { userInfo } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { runOps, USAGE } from './ops-commands';

/** `npm run ops -- …`: connects to Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE), runs one command, exits. */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === '--help') {
    console.log(USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
    const result = await runOps(client, argv, { type: 'operator', id: `cli:${userInfo().username}` });
    (result.code === 0 ? console.log : console.error)(result.output);
    return result.code;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
