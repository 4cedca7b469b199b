import assert from 'node:assert/strict';
import type { Candidate, ChatRequest, EmbeddingsRequest, Plugin, Principal, RequestContext, ResolvedConfig } from 'aisbf';

/**
 * A request context for calling a routing policy's `select` directly in a
 * unit test, without a gateway. Headers set with `setHeader` land in
 * `sentHeaders`.
 *
 * @example const ctx = routeContext({ messages: [{ role: 'user', content: 'hi' }] }, { principal: { id: 'u', tier: 'free' } });
 */
export function routeContext(
  body: Partial<ChatRequest> | EmbeddingsRequest = {},
  extra: { model?: string; stream?: boolean; headers?: Record<string, string>; principal?: Principal; kind?: 'chat' | 'embeddings' } = {},
): RequestContext & { sentHeaders: Record<string, string> } {
  const kind = extra.kind ?? ('input' in body ? 'embeddings' : 'chat');
  const model = extra.model ?? (body as { model?: string }).model ?? 'route';
  const full = kind === 'chat' ? { model, messages: [{ role: 'user', content: 'hello' }], ...body } : body;
  const sentHeaders: Record<string, string> = {};
  return {
    id: 'test-request',
    kind,
    body: full as ChatRequest,
    stream: extra.stream ?? false,
    headers: extra.headers ?? {},
    signal: new AbortController().signal,
    startedAt: 0,
    model,
    principal: extra.principal,
    candidates: [],
    attempts: [],
    locals: {},
    setHeader(name, value) {
      sentHeaders[name] = value;
    },
    sentHeaders,
  };
}

/** The slice of a resolved config that policies read in `setup`. */
export function configWith(providers: ResolvedConfig['providers'], plugins: Plugin[] = [], models: ResolvedConfig['models'] = {}): ResolvedConfig {
  return {
    server: { host: '127.0.0.1', port: 0, bodyLimit: 1 << 20, keepAliveTimeoutMs: 5000 },
    plugins, providers, models, state: { backend: 'memory' }, routing: { policies: [] }, presets: [], notes: [],
  };
}

/** A small deterministic generator for property tests (same seed, same cases). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * Property check of the policy contract: over `runs` random candidate lists
 * (random providers, weights, tags; some duplicates of provider/model) and
 * random requests (text, images, tools, lengths), `select` returns only
 * candidates it was given, each at most once. A policy may throw the 503 for
 * an emptied route; any other throw fails the check.
 *
 * @example it('never invents a candidate', () => neverInvents(plugin, { seed: 1 }));
 */
export async function neverInvents(plugin: Plugin, o: { runs?: number; seed?: number; options?: unknown; tiers?: string[] } = {}): Promise<void> {
  const select = plugin.route?.select;
  assert.ok(select, `${plugin.name} has no route hook`);
  const rnd = lcg(o.seed ?? 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const providers = ['a', 'b', 'c', 'd'];
  const models = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'm1', 'm2'];
  const tags = ['cheap', 'strong', 'code', 'vision', 'fast'];
  for (let run = 0; run < (o.runs ?? 300); run++) {
    const n = Math.floor(rnd() * 6);
    const candidates: Candidate[] = Array.from({ length: n }, () => ({
      provider: pick(providers),
      model: pick(models),
      ...(rnd() < 0.5 ? { weight: Math.floor(rnd() * 5) } : {}),
      ...(rnd() < 0.5 ? { tags: tags.filter(() => rnd() < 0.4) } : {}),
    }));
    const text = ['hi', 'classify: spam or not?', 'Prove step by step that the sum is finite.', 'Fix this python traceback', 'x'.repeat(Math.floor(rnd() * 5000))];
    const content = rnd() < 0.2
      ? [{ type: 'text' as const, text: pick(text) }, { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } }]
      : pick(text);
    const body: Partial<ChatRequest> = {
      messages: [{ role: 'user', content }],
      ...(rnd() < 0.3 ? { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] } : {}),
      ...(rnd() < 0.3 ? { max_tokens: Math.floor(rnd() * 100_000) + 1 } : {}),
    };
    const ctx = routeContext(body, { principal: { id: `u${run % 3}`, tier: pick(o.tiers ?? ['free', 'premium', 'other']) }, stream: rnd() < 0.5 });
    let out: Candidate[];
    try {
      out = await select.call(plugin.route, [...candidates], ctx, o.options);
    } catch (err) {
      const e = err as { status?: number; code?: string };
      assert.ok(e.status === 503 && e.code === 'no_route' && candidates.length > 0, `run ${run}: ${plugin.name} threw ${String(err)}`);
      continue;
    }
    assert.ok(Array.isArray(out), `run ${run}: not an array`);
    assert.equal(new Set(out).size, out.length, `run ${run}: ${plugin.name} returned a candidate twice`);
    for (const c of out) assert.ok(candidates.includes(c), `run ${run}: ${plugin.name} invented ${c.provider}/${c.model}`);
    if (candidates.length > 0) assert.ok(out.length > 0, `run ${run}: ${plugin.name} returned nothing without the 503`);
  }
}

/**
 * Polls `check` until it holds. Observers (latency samples, affinity pins)
 * run off the response path, a moment after the answer; tests wait for their
 * effect instead of sleeping a guessed time.
 *
 * @example await eventually(async () => (await gw.gateway.state.get(key)) !== undefined);
 */
export async function eventually(check: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`condition never held after ${tries} tries`);
}
