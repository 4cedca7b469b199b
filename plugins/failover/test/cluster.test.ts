import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { requireService, startGateway, type TestGateway } from 'aisbf/testing';
import failover from '../src/index.js';
import { Breaker } from '../src/breaker.js';
import { startFaultServer, type FaultServer } from '../../../test/support/fault-server.js';

const NODE_SCRIPT = fileURLToPath(new URL('./fixtures/gateway-node.ts', import.meta.url));

/** Starts a gateway node in a child process; resolves with its URL once it listens. */
async function startNode(config: unknown): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=aisbf-source', NODE_SCRIPT], {
    env: { ...process.env, FAILOVER_NODE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`gateway node exited with ${code} before listening: ${out}`)));
  });
  return { url, child };
}

describe('cluster: two gateway processes share breakers through Redis', function () {
  this.timeout(30_000);
  const prefix = `aisbf-test-failover-${randomUUID()}:`;
  const breakerOptions = { failures: 3, windowMs: 20_000, cooldownMs: 60_000, halfOpenProbes: 1 };
  let redisUrl: string;
  let up: FaultServer;
  let nodeA: TestGateway | undefined;
  let nodeB: { url: string; child: ChildProcess } | undefined;

  before(async function () {
    redisUrl = await requireService(this, 'redis');
    up = await startFaultServer({ flaky: { mode: '500' }, healthy: { mode: 'ok' } });
    const config = (node: string) => ({
      state: { backend: 'redis', url: redisUrl, prefix },
      providers: {
        flaky: { type: 'openai', baseURL: up.baseURL('flaky'), apiKey: 'sk-test', headers: { 'x-node': node } },
        healthy: { type: 'openai', baseURL: up.baseURL('healthy'), apiKey: 'sk-test', headers: { 'x-node': node } },
      },
      models: { smart: { candidates: ['flaky/m1', 'healthy/m1'] } },
    });
    nodeA = await startGateway({ ...config('a'), plugins: [failover({ breaker: breakerOptions })] });
    nodeB = await startNode({ ...config('b'), failover: { breaker: breakerOptions } });
  });

  after(async () => {
    if (nodeA) {
      // Leave nothing behind in the shared Redis.
      await new Breaker(nodeA.gateway.state, breakerOptions).reset({ provider: 'flaky', model: 'm1' });
      await nodeA.close();
    }
    if (nodeB) {
      nodeB.child.kill('SIGTERM');
      await once(nodeB.child, 'exit');
    }
    await up?.close();
  });

  const flakyHitsFrom = (node: string) => up.requests.filter((r) => r.url.startsWith('/flaky/') && r.headers['x-node'] === node).length;

  it('failures counted on both nodes open one breaker, and the other node honours it', async () => {
    const a = new OpenAI({ baseURL: `${nodeA!.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const b = new OpenAI({ baseURL: `${nodeB!.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const ask = async (client: OpenAI) => {
      const { response } = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      return response.headers.get('x-aisbf-provider');
    };
    const settle = () => new Promise((r) => setTimeout(r, 50)); // breaker writes are off the response path
    // Failures are counted in windowMs buckets, the previous one weighted by how much of it still
    // overlaps: three failures that straddle a bucket boundary count as fewer than three. Start
    // with at least 5 s left in the current bucket, so that the test's failures share one.
    const left = breakerOptions.windowMs - (Date.now() % breakerOptions.windowMs);
    if (left < 5_000) await new Promise((r) => setTimeout(r, left + 10));

    assert.equal(await ask(b), 'healthy');
    await settle();
    assert.equal(flakyHitsFrom('b'), 1, 'node b tried the flaky provider first: its breaker was closed');
    assert.equal(await ask(a), 'healthy');
    await settle();
    assert.equal(await ask(a), 'healthy');
    await settle();
    assert.equal(flakyHitsFrom('a'), 2);
    // 1 failure seen by b + 2 by a = 3: the shared breaker opens once a's last report lands.
    const shared = new Breaker(nodeA!.gateway.state, breakerOptions);
    for (let i = 0; i < 100 && (await shared.state({ provider: 'flaky', model: 'm1' })) !== 'open'; i++) await settle();
    assert.equal(await shared.state({ provider: 'flaky', model: 'm1' }), 'open');
    for (let i = 0; i < 5; i++) assert.equal(await ask(b), 'healthy');
    assert.equal(flakyHitsFrom('b'), 1, 'node b skipped the provider that node a saw failing');
    assert.equal(await ask(a), 'healthy');
    assert.equal(flakyHitsFrom('a'), 2);
  });
});
