import { connect } from 'node:net';

/** Services integration tests may need, and where they listen by default. */
const SERVICES = {
  redis: { env: 'REDIS_URL', url: 'redis://127.0.0.1:6379' },
  postgres: { env: 'DATABASE_URL', url: 'postgres://postgres@127.0.0.1:5432/test' },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** The URL of a service: `REDIS_URL` / `DATABASE_URL`, or the default address. */
export function serviceUrl(name: ServiceName): string {
  return process.env[SERVICES[name].env] ?? SERVICES[name].url;
}

function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432));
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * For a mocha `before` hook of a suite that needs a real service. Returns its
 * URL when it answers. When it does not: under `CI=true` the suite fails (a
 * missing service must not pass silently); elsewhere the suite is marked
 * pending with the reason printed.
 *
 * @example
 * before(async function () { redisUrl = await requireService(this, 'redis'); });
 */
export async function requireService(mocha: { skip(): void }, name: ServiceName): Promise<string> {
  const url = serviceUrl(name);
  if (await reachable(url)) return url;
  const reason = `${name} is not reachable at ${url} (set ${SERVICES[name].env} to point at one)`;
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it.`);
  console.log(`      pending: ${reason}`);
  mocha.skip();
  return url;
}
