import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitUntil } from '@vibetribe/testing';

/** One of the four services, as `npm start` runs it. */
export type ServiceName = 'gateway' | 'worker' | 'realtime' | 'media';

const PORT_VAR: Record<ServiceName, string> = {
  gateway: 'GATEWAY_PORT',
  worker: 'WORKER_PORT',
  realtime: 'REALTIME_PORT',
  media: 'MEDIA_PORT',
};

/** A service's real process (`services/<name>/dist/main.js`) on a free port, restartable on that port. */
export interface ServiceProcess {
  name: string;
  port: number;
  url: string;
  /** Starts it and waits until /readyz answers 200. */
  start(): Promise<void>;
  /** Sends `signal` (SIGTERM: a graceful stop) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function serviceProcess(
  service: ServiceName,
  instance: number,
  env: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  const port = await freePort();
  const main = resolve(__dirname, '..', '..', '..', service, 'dist', 'main.js');
  let child: ChildProcess | undefined;
  const proc: ServiceProcess = {
    name: `${service}-${instance}`,
    port,
    url: `http://127.0.0.1:${port}`,
    async start() {
      const c = spawn(process.execPath, [main], {
        env: {
          ...process.env,
          ...env,
          [PORT_VAR[service]]: String(port),
          LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child = c;
      await waitUntil(
        async () => {
          if (c.exitCode !== null) throw new Error(`${proc.name} exited with ${c.exitCode}`);
          return (await fetch(`${proc.url}/readyz`)).status === 200;
        },
        60_000,
        `${proc.name} ready`,
      );
    },
    async stop(signal = 'SIGTERM') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((done) => {
        c.once('exit', () => done());
        c.kill(signal);
      });
    },
  };
  return proc;
}
