import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UserConfig } from '../config/types.js';

/** The CLI entry, in whichever form (source under tests, dist when installed) this module runs as. */
const CLI = fileURLToPath(new URL(`../cli/run${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface SpawnedGateway {
  /** `http://127.0.0.1:<port>` */
  url: string;
  baseURL: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Starts a gateway in its own Node process (`aisbf start` on a free port) with
 * a JSON config written to a temporary directory: for cluster tests where
 * nodes must not share memory. Plugins resolve from the aisbf installation.
 *
 * @example
 * const nodes = await Promise.all([1, 2, 3].map(() => spawnGateway({ state: { backend: 'redis', url }, … })));
 */
export async function spawnGateway(config: UserConfig, env: NodeJS.ProcessEnv = {}): Promise<SpawnedGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'aisbf-node-'));
  const file = join(dir, 'aisbf.config.json');
  await writeFile(file, JSON.stringify({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } }));
  const child = spawn(process.execPath, [...process.execArgv, CLI, 'start', '--config', file], {
    env: { ...process.env, AISBF_LOG_LEVEL: process.env.AISBF_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    url,
    baseURL: `${url}/v1`,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
