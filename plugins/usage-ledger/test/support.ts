import { definePlugin, type Plugin } from 'aisbf';

/** Client keys of the test tenants and the principals they stand for. */
export const TENANTS: Record<string, { id: string; user: string; team: string }> = {
  'sk-alpha-one-000000000001': { id: 'key_a1', user: 'ana', team: 'alpha' },
  'sk-alpha-two-000000000002': { id: 'key_a2', user: 'ben', team: 'alpha' },
  'sk-beta-one-0000000000003': { id: 'key_b1', user: 'cai', team: 'beta' },
};

/** Maps the test keys to principals (what `auth-keys` does for real). */
export function testAuth(): Plugin {
  return definePlugin({
    name: 'test-auth',
    auth(ctx) {
      const h = ctx.headers.authorization;
      const t = typeof h === 'string' ? TENANTS[h.slice(7)] : undefined;
      return t ? { ...t } : undefined;
    },
  });
}




/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  }));
  return out;
}

/** Parses RFC 4180 CSV as the ledger writes it (no embedded newlines in our values). */
export function parseCsv(text: string): string[][] {
  return text.split('\r\n').filter(Boolean).map((line) => {
    const cells: string[] = [];
    for (const m of line.matchAll(/("((?:[^"]|"")*)"|[^,]*)(,|$)/g)) {
      if (m.index === line.length && m[0] === '') break;
      cells.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]);
      if (m[3] === '') break;
    }
    return cells;
  });
}

export { eventually, testCache } from '../../../test/support/observers.js';
