import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AISBF_ERR_UPSTREAM_UNREACHABLE, isGatewayError, type ChatChunk, type ChatStream } from 'aisbf';
import { idleGuard } from '../src/timeouts.js';
import { fakeStream } from './helpers.js';

async function collect(s: ChatStream): Promise<{ chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of s) chunks.push(c);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

describe('idleGuard', () => {
  it('passes a lively stream through unchanged', async () => {
    const inner = fakeStream('p', 2);
    const { chunks, error } = await collect(idleGuard(inner, 200, 'p'));
    assert.equal(error, undefined);
    assert.deepEqual(chunks, (await collect(fakeStream('p'))).chunks);
  });

  it('ends an idle stream with a 504 timeout, cancels the upstream and reports the error', async () => {
    const inner = fakeStream('p', 100);
    const seen: unknown[] = [];
    const { chunks, error } = await collect(idleGuard(inner, 20, 'p', (e) => seen.push(e)));
    assert.equal(chunks.length, 1);
    assert.ok(isGatewayError(error) && error.status === 504 && error.code === 'timeout');
    assert.match((error as Error).message, /no stream chunk for 20 ms/);
    assert.equal(inner.cancelled, true);
    assert.deepEqual(seen, [error]);
  });

  it('reports an upstream failure after the first token without an idle limit', async () => {
    const cut = AISBF_ERR_UPSTREAM_UNREACHABLE('p', new Error('socket hang up'));
    const inner: ChatStream = {
      cancel() {},
      async *[Symbol.asyncIterator]() {
        yield* (await collect(fakeStream('p'))).chunks.slice(0, 2);
        await sleep(1);
        throw cut;
      },
    };
    const seen: unknown[] = [];
    const { chunks, error } = await collect(idleGuard(inner, 0, 'p', (e) => seen.push(e)));
    assert.equal(chunks.length, 2);
    assert.equal(error, cut);
    assert.deepEqual(seen, [cut]);
  });

  it('does not blame the upstream when the consumer stops early', async () => {
    const inner = fakeStream('p', 1);
    const seen: unknown[] = [];
    for await (const _ of idleGuard(inner, 50, 'p', (e) => seen.push(e))) break;
    assert.equal(inner.cancelled, true);
    assert.deepEqual(seen, []);
  });
});
