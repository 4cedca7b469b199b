/**
 * A redis-server of the test's own, on a free loopback port, that the test may
 * kill, pause and restart without touching the machine's shared Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OwnRedis {
  url: string;
  port: number;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its socket but answers nothing (a "slow" Redis). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** Stops it for good (cleanup). */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** True once the server answers PING. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let paused = false;

  async function start(): Promise<void> {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = c;
    for (let i = 0; i < 100; i++) {
      if (c.exitCode !== null) throw new Error(`redis-server exited with code ${c.exitCode} (port ${port})`);
      if (await pings(port)) return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not answer PING`);
  }

  async function kill(): Promise<void> {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    if (paused) c.kill('SIGCONT');
    paused = false;
    c.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: start,
    pause() { paused = true; child?.kill('SIGSTOP'); },
    resume() { paused = false; child?.kill('SIGCONT'); },
    stop: kill,
  };
}
