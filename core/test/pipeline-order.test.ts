import assert from 'node:assert/strict';
import {
  AISBF_ERR_FORBIDDEN, definePlugin, definePolicy, type ChatResponse, type DirectProviderAdapter, type Plugin,
} from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';

/** A direct provider that records its calls into `log`. */
function recordingProvider(log: string[]): Plugin {
  const provider: DirectProviderAdapter = {
    type: 'rec',
    invoke: {
      async chat(req, target): Promise<ChatResponse> {
        log.push(`translate:${target.id}/${target.model}`);
        return {
          id: 'c1', object: 'chat.completion', created: 1, model: target.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        };
      },
    },
  };
  return definePlugin({ name: 'rec', provider });
}

/** A plugin that serves every stage and records each call as `<name>:<stage>`. */
function everyStage(name: string, log: string[], extra: Partial<Plugin> = {}): Plugin {
  return definePlugin({
    name,
    ...extra,
    auth: (ctx) => {
      log.push(`${name}:auth`);
      return ctx.headers['x-user'] === name ? { id: name } : undefined;
    },
    ratelimit: {
      admit: () => { log.push(`${name}:admit`); },
      settle: (_ctx, usage) => { log.push(`${name}:settle:${usage?.total_tokens}`); },
    },
    cache: {
      get: () => { log.push(`${name}:cache.get`); return undefined; },
      set: () => { log.push(`${name}:cache.set`); },
    },
    observe: { response: () => { log.push(`${name}:observe.response`); } },
  });
}

async function post(gw: TestGateway, headers: Record<string, string> = {}, model = 'm') {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
}

describe('pipeline order', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => { await gw?.close(); gw = undefined; });

  it('runs every stage in the documented order, plugins in config order', async () => {
    const log: string[] = [];
    const always = definePolicy({ name: 'route-always', always: true, select: (c) => { log.push('route-always:route'); return c; } });
    const perRoute = definePolicy({ name: 'route-mine', select: (c) => { log.push('route-mine:route'); return [...c].reverse(); } });
    const failover = definePlugin({
      name: 'fo',
      failover: { run: async (candidates, attempt) => { log.push(`fo:failover:${candidates.length}`); return attempt(candidates[0]); } },
    });
    gw = await startGateway({
      plugins: [everyStage('a', log), everyStage('b', log), always, perRoute, failover, recordingProvider(log)],
      providers: { p: { type: 'rec' }, q: { type: 'rec' } },
      models: { m: { candidates: ['p/one', 'q/two'], policies: ['mine'] } },
    });
    const res = await post(gw, { 'x-user': 'b' });
    assert.equal(res.status, 200);
    await until(() => log.includes('b:observe.response'));
    assert.deepEqual(log, [
      'a:auth', 'b:auth',
      'a:admit', 'b:admit',
      'a:cache.get', 'b:cache.get',
      'route-always:route', 'route-mine:route',
      'fo:failover:2',
      'translate:q/two',
      'a:cache.set', 'b:cache.set',
      'a:settle:2', 'b:settle:2',
      'a:observe.response', 'b:observe.response',
    ]);
    assert.equal(res.headers.get('x-aisbf-provider'), 'q');
    assert.equal(res.headers.get('x-aisbf-cache'), 'miss');
  });

  it('honours enforce and before over declared order', async () => {
    const log: string[] = [];
    gw = await startGateway({
      plugins: [
        everyStage('normal', log),
        everyStage('late', log, { enforce: 'post' }),
        everyStage('early', log, { enforce: 'pre' }),
        everyStage('jumper', log, { before: ['normal'] }),
        recordingProvider(log),
      ],
      providers: { p: { type: 'rec' } },
      models: { m: { candidates: ['p/one'] } },
    });
    await post(gw, { 'x-user': 'late' });
    assert.deepEqual(log.filter((l) => l.endsWith(':auth')), ['early:auth', 'jumper:auth', 'normal:auth', 'late:auth']);
  });

  it('stops at the first auth plugin that returns a principal, and answers 401 when none does', async () => {
    const log: string[] = [];
    gw = await startGateway({ plugins: [everyStage('a', log), everyStage('b', log), recordingProvider(log)], providers: { p: { type: 'rec' } }, models: { m: { candidates: ['p/x'] } } });
    await post(gw, { 'x-user': 'a' });
    assert.deepEqual(log.filter((l) => l.endsWith(':auth')), ['a:auth']);
    const calls = () => log.filter((l) => l.startsWith('translate')).length;
    assert.equal(calls(), 1);
    const denied = await post(gw, { 'x-user': 'nobody' });
    assert.equal(denied.status, 401);
    assert.equal((denied.body.error as { type: string }).type, 'authentication_error');
    assert.equal(calls(), 1, 'no provider call for the refused request');
  });

  it('wraps a plugin crash with the plugin name and stage, and passes gateway errors through', async () => {
    gw = await startGateway({
      plugins: [
        definePlugin({ name: 'crashy', ratelimit: { admit: (ctx) => { if (ctx.headers['x-mode'] === 'crash') throw new TypeError('oops'); if (ctx.headers['x-mode'] === 'deny') throw AISBF_ERR_FORBIDDEN('Team x may not use m.'); } } }),
        recordingProvider([]),
      ],
      providers: { p: { type: 'rec' } },
      models: { m: { candidates: ['p/x'] } },
    });
    const crash = await post(gw, { 'x-mode': 'crash' });
    assert.equal(crash.status, 500);
    assert.match((crash.body.error as { message: string }).message, /Plugin 'crashy' failed in stage 'ratelimit': oops/);
    const deny = await post(gw, { 'x-mode': 'deny' });
    assert.equal(deny.status, 403);
    assert.equal((deny.body.error as { message: string }).message, 'Team x may not use m.');
    assert.equal((await post(gw)).status, 200, 'the gateway keeps serving');
  });

  it('holds routing policies to the contract: no invented candidates, an empty result names the policy', async () => {
    const inventing = definePolicy({ name: 'route-inventor', select: () => [{ provider: 'p', model: 'made-up' }] });
    const emptying = definePolicy({ name: 'route-none', select: () => [] });
    gw = await startGateway({
      plugins: [inventing, emptying, recordingProvider([])],
      providers: { p: { type: 'rec' } },
      models: { inv: { candidates: ['p/x'], policies: ['inventor'] }, empty: { candidates: ['p/x', 'p/y'], policies: ['none'] } },
    });
    const inv = await post(gw, {}, 'inv');
    assert.equal(inv.status, 500);
    assert.match((inv.body.error as { message: string }).message, /route-inventor.*returned a candidate it was not given \(p\/made-up\)/);
    const empty = await post(gw, { 'x-aisbf-explain': '1' }, 'empty');
    assert.equal(empty.status, 503);
    assert.deepEqual(JSON.parse(empty.headers.get('x-aisbf-explain')!), [{ policy: 'route-none', in: ['p/x', 'p/y'], out: [] }], 'a refused route keeps its trace');
    assert.match((empty.body.error as { message: string }).message, /policy 'route-none' removed every candidate \(p\/x, p\/y\)/);
  });

  it('explains routing on request: each policy with its input and output', async () => {
    const drop = definePolicy({ name: 'route-drop-first', select: (c) => c.slice(1) });
    gw = await startGateway({
      plugins: [drop, recordingProvider([])],
      routing: { policies: ['drop-first'] },
      providers: { p: { type: 'rec' } },
      models: { m: { candidates: ['p/a', 'p/b'] } },
    });
    const res = await post(gw, { 'x-aisbf-explain': '1' });
    assert.deepEqual(JSON.parse(res.headers.get('x-aisbf-explain')!), [{ policy: 'route-drop-first', in: ['p/a', 'p/b'], out: ['p/b'] }]);
    assert.equal(res.headers.get('x-aisbf-model'), 'b', 'the gateway-wide default policy applied to a route without its own');
    assert.equal((await post(gw)).headers.get('x-aisbf-explain'), null, 'no trace unless asked');
  });
});
