import assert from 'node:assert/strict';
import { BatchWorker } from '../src/worker/batch-worker.js';

const FILE = new URL('./fixtures/echo-worker.ts', import.meta.url);

describe('BatchWorker: a worker thread fed in batches', () => {
  it('posts items in batches of maxBatch, in order, and a call sees every item pushed before it', async () => {
    const w = await BatchWorker.start<number>(FILE, { maxBatch: 3, maxDelayMs: 60_000 });
    try {
      for (let i = 1; i <= 7; i++) assert.equal(w.push(i), true);
      // Two full batches went at once; the seventh item waits for the call, which posts it first.
      assert.deepEqual(await w.call('batches'), [[1, 2, 3], [4, 5, 6], [7]]);
      assert.equal(await w.call('sum', 10), 280);
    } finally {
      await w.close();
    }
  });

  it('posts a partial batch after maxDelayMs', async () => {
    const events: unknown[] = [];
    const w = await BatchWorker.start<number>(FILE, { maxBatch: 100, maxDelayMs: 10, onEvent: (e) => events.push(e) });
    try {
      w.push(-1);
      for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(events, [{ saw: -1 }]);
    } finally {
      await w.close();
    }
  });

  it('rejects a failing call with its message, and goes on working', async () => {
    const w = await BatchWorker.start<number>(FILE);
    try {
      await assert.rejects(w.call('fail'), /this call fails/);
      await assert.rejects(w.call('nope'), /no call 'nope'/);
      w.push(5);
      assert.equal(await w.call('sum', 1), 5);
    } finally {
      await w.close();
    }
  });

  it('returns what the worker\'s close returned, after the items still waiting', async () => {
    const w = await BatchWorker.start<number>(FILE, { maxDelayMs: 60_000 });
    w.push(1);
    w.push(2);
    assert.deepEqual(await w.close(), { closedAfter: 2 });
    assert.equal(w.alive, false);
    assert.equal(w.push(3), false);
  });

  it('fails to start with the error of the worker\'s setup', async () => {
    await assert.rejects(BatchWorker.start<number>(FILE, { workerData: { failSetup: 'no such destination: /x' } }), /no such destination: \/x/);
  });

  it('reports a worker that died, refuses items after, and rejects pending calls', async () => {
    let exited: Error | undefined;
    let lost = -1;
    const w = await BatchWorker.start<number>(FILE, { maxDelayMs: 60_000, onExit: (err, n) => { exited = err; lost = n; } });
    w.push(-2);
    w.post();
    const pending = w.call('hang').then(() => 'answered', (err: Error) => err);
    // Pushed after the fatal batch and never posted: counted as lost when the worker dies.
    w.push(7);
    w.push(8);
    for (let i = 0; i < 200 && !exited; i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(String(exited?.message), /the worker broke/);
    assert.equal(lost, 2);
    assert.equal(w.alive, false);
    assert.equal(w.push(1), false);
    assert.match(String(await pending), /the worker broke/);
    await assert.rejects(w.call('batches'), /the worker broke/);
    await w.close();
  });
});
