import assert from 'node:assert/strict';
import { ByteWriter } from 'aisbf';
import { WriteQueue } from '../src/write-queue.js';

/** A sink whose writes wait until the test lets them finish. */
function gatedSink() {
  const written: number[][] = [];
  const pending: Array<{ rows: number[]; finish: (ok: boolean) => void }> = [];
  return {
    written,
    pending,
    sink: (rows: number[]) => new Promise<void>((resolve, reject) => {
      pending.push({ rows, finish: (ok) => (ok ? (written.push(rows), resolve()) : reject(new Error('database down'))) });
    }),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('usage-ledger: bounded write queue', () => {
  it('drops and counts rows beyond its capacity instead of waiting for a slow sink', async () => {
    const s = gatedSink();
    const problems: Array<{ kind: string; count: number }> = [];
    const q = new WriteQueue<number>(s.sink, { capacity: 5, batchSize: 2, flushIntervalMs: 10_000, onProblem: (p) => problems.push(p) });
    const accepted = Array.from({ length: 10 }, (_, i) => q.push(i));
    // 2 rows left in the first batch (stuck in the sink), so 5 more fit in the queue.
    assert.deepEqual(accepted, [true, true, true, true, true, true, true, false, false, false]);
    assert.deepEqual(q.stats(), { queued: 5, written: 0, dropped: 3, failedBatches: 0 });
    assert.equal(s.pending.length, 1, 'one batch in flight at a time');

    const closing = q.close();
    while (s.pending.length > 0) {
      s.pending.shift()!.finish(true);
      await tick();
      await tick();
    }
    await closing;
    assert.deepEqual(s.written.flat(), [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(q.stats(), { queued: 0, written: 7, dropped: 3, failedBatches: 0 });
    assert.deepEqual(problems, [{ kind: 'dropped', count: 3 }]);
  });

  it('retries a failed batch once, then drops it and counts it', async () => {
    const s = gatedSink();
    const problems: string[] = [];
    const q = new WriteQueue<number>(s.sink, { capacity: 10, batchSize: 3, flushIntervalMs: 1, onProblem: (p) => problems.push(`${p.kind}:${p.count}${p.retry === undefined ? '' : p.retry ? ':retry' : ':final'}`) });
    for (let i = 0; i < 3; i++) q.push(i);
    const first = s.pending.shift()!;
    assert.deepEqual(first.rows, [0, 1, 2]);
    first.finish(false);
    const retry = await (async () => {
      while (s.pending.length === 0) await new Promise((r) => setTimeout(r, 2));
      return s.pending.shift()!;
    })();
    assert.deepEqual(retry.rows, [0, 1, 2], 'the same batch again');
    retry.finish(false);
    while (q.stats().failedBatches < 2) await tick();
    await tick();
    assert.deepEqual(q.stats(), { queued: 0, written: 0, dropped: 3, failedBatches: 2 });
    assert.deepEqual(problems.slice(0, 2), ['write-failed:3:retry', 'write-failed:3:final']);
    await q.close();
    assert.ok(problems.includes('dropped:3'));
  });

  it('builds batches with a given builder, closing each at batchSize rows', async () => {
    const sent: string[] = [];
    const q = new WriteQueue<string, ByteWriter>(async (b) => void sent.push(b.bytes().toString('utf8')), { capacity: 100, batchSize: 3, flushIntervalMs: 10_000 }, {
      create: () => new ByteWriter(8), // tiny, so that rows make it grow
      add: (b, line) => b.utf8(line),
    });
    // Non-ASCII text takes more bytes than characters; the batch must keep every byte.
    const rows = ['a\n', 'crème brûlée\n', '日本語\n', '🙂 emoji\n', 'e\n'];
    for (const r of rows) q.push(r);
    await q.flush();
    assert.deepEqual(sent, [rows.slice(0, 3).join(''), rows.slice(3).join('')]);
    assert.deepEqual(q.stats(), { queued: 0, written: 5, dropped: 0, failedBatches: 0 });
  });
});
