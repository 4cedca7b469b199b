import assert from 'node:assert/strict';
import { LineBatcher } from '../src/line-batcher.js';

function sink() {
  const writes: string[] = [];
  return { writes, write: (text: string) => writes.push(text) };
}

describe('observe-log: line batcher', () => {
  it('hands lines over in one write once a batch is full', () => {
    const s = sink();
    const b = new LineBatcher(s, 10, 60_000);
    b.write('aaaa\n');
    assert.deepEqual(s.writes, []);
    b.write('bbbb\n');
    assert.deepEqual(s.writes, ['aaaa\nbbbb\n']);
    b.close();
  });

  it('writes waiting lines after the flush interval, and on close', async () => {
    const s = sink();
    const b = new LineBatcher(s, 1 << 20, 20);
    b.write('one\n');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(s.writes, ['one\n']);
    b.write('two\n');
    b.close();
    assert.deepEqual(s.writes, ['one\n', 'two\n']);
  });

  it('writes each line at once when batching is off', () => {
    const s = sink();
    const b = new LineBatcher(s, 0, 20);
    b.write('x\n');
    b.write('y\n');
    assert.deepEqual(s.writes, ['x\n', 'y\n']);
    b.close();
  });
});
