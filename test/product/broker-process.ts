/**
 * A broker as operators run it: `samenzicht serve --data DIR` in a process of its own, so that a
 * test can stop it, or kill it mid-run as a crash would, and start it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BrokerClient } from '../../src/client/http.js';
import type { DemoParties } from '../../src/demo/parties.js';
import { freePort } from '../support/net.js';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

export interface BrokerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr (its log). */
  log(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash; nothing gets to clean up. */
  kill(): Promise<void>;
}

/** Runs the CLI to completion in a child process; resolves with its exit code and output. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export async function startBroker(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<BrokerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'serve', '--data', dataDir, '--port', String(port)],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the broker did not start within 60 s:\n${log}`)),
      60_000,
    );
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('Samenzicht is running on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the broker exited (${code}) before it started:\n${log}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    log: () => log,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** The same parties, with the same tokens, at the broker's new address (after a restart). */
export function rebindParties(p: DemoParties, url: string): DemoParties {
  const move = <T extends { client: BrokerClient }>(x: T): T => ({
    ...x,
    client: new BrokerClient({ baseUrl: url, token: x.client.token! }),
  });
  const providers = Object.fromEntries(Object.entries(p.providers).map(([k, v]) => [k, move(v)]));
  return {
    ...p,
    broker: move(p.broker),
    board: p.board.map(move),
    consumer: move(p.consumer),
    providers,
    providerFor: (id) => move(p.providerFor(id)),
  };
}
