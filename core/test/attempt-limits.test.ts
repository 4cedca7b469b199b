import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type AttemptLimits } from 'aisbf';
import { sendJson, startGateway, startLoopbackServer, type LoopbackServer, type TestGateway } from 'aisbf/testing';

describe('attempt limits from a failover strategy', () => {
  let up: LoopbackServer;
  let gw: TestGateway;
  const limits: { next?: AttemptLimits } = {};
  before(async () => {
    up = await startLoopbackServer(async (_req, res) => {
      await sleep(300); // headers come late
      sendJson(res, 200, { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'late' }, finish_reason: 'stop' }] });
    });
    gw = await startGateway({
      plugins: [definePlugin({ name: 'strategy', failover: { run: (candidates, attempt) => attempt(candidates[0], undefined, limits.next) } })],
      providers: { up: { type: 'openai', baseURL: `${up.url}/v1`, apiKey: 'k' } },
    });
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });
  const ask = () => fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'up/m', messages: [{ role: 'user', content: 'x' }] }) });

  it('a first-byte limit shorter than the upstream is a 504 timeout, and the upstream call is cut', async () => {
    limits.next = { firstByteTimeoutMs: 50 };
    const aborted = up.nextAbort();
    const r = await ask();
    assert.equal(r.status, 504);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'timeout');
    assert.equal((await aborted).aborted, true);
  });

  it('without limits the provider entry governs, and the late answer arrives', async () => {
    limits.next = undefined;
    const r = await ask();
    assert.equal(r.status, 200);
  });
});
