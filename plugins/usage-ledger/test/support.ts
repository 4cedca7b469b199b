import { definePlugin, type CacheEntry, type ChatRequest, type ChatResponse, type Plugin } from 'aisbf';

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

function lastUser(req: ChatRequest): string {
  const m = req.messages.at(-1);
  return typeof m?.content === 'string' ? m.content : '';
}

/** A prompt-keyed cache leaving the record the cache plugin documents in `ctx.locals.cache`. */
export function testCache(): Plugin {
  const store = new Map<string, { entry: CacheEntry; from: { provider: string; model: string } }>();
  return definePlugin({
    name: 'test-cache',
    cache: {
      get(ctx) {
        const found = ctx.stream ? undefined : store.get(lastUser(ctx.body as ChatRequest));
        ctx.locals.cache = found
          ? { outcome: 'hit', hit: true, savedUsage: (found.entry.response as ChatResponse).usage, savedFrom: found.from }
          : { outcome: 'miss', hit: false };
        return found?.entry;
      },
      set(ctx, entry) {
        if (ctx.served) store.set(lastUser(ctx.body as ChatRequest), { entry, from: { provider: ctx.served.provider, model: ctx.served.model } });
      },
    },
  });
}

/** Polls `check` until it returns a value, at most `tries` times: observe events and batches are asynchronous. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
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
