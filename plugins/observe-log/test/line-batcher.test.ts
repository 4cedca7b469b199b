import assert from 'node:assert/strict';
import { LineBatcher } from '../src/line-batcher.js';

function sink() {
  const writes: string[] = [];
  return { writes, write: (bytes: Buffer) => writes.push(bytes.toString('utf8')) };
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

  it('keeps multi-byte text whole, and a line longer than a batch', () => {
    const s = sink();
    const b = new LineBatcher(s, 8, 60_000);
    b.write('é€😀\n');
    const long = `${'x'.repeat(100)}\n`;
    b.write(long);
    b.write('z\n');
    b.close();
    assert.deepEqual(s.writes, ['é€😀\n', long, 'z\n']);
  });

  it('gives the sink bytes it may keep: later lines do not overwrite them', () => {
    const kept: Buffer[] = [];
    const b = new LineBatcher({ write: (bytes: Buffer) => kept.push(bytes) }, 4, 60_000);
    b.write('aaaa\n');
    b.write('bbbb\n');
    b.close();
    assert.deepEqual(kept.map((k) => k.toString()), ['aaaa\n', 'bbbb\n']);
  });

  it('writes every batch over the same buffer when the sink is done with the bytes on return', () => {
    const seen: string[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const b = new LineBatcher({ write: (bytes: Buffer) => (seen.push(bytes.toString()), buffers.add(bytes.buffer)) }, 4, 60_000, true);
    for (const line of ['aaaa\n', 'bbbb\n', 'cc\n', 'dd\n']) b.write(line);
    b.close();
    assert.deepEqual(seen, ['aaaa\n', 'bbbb\n', 'cc\ndd\n']);
    assert.equal(buffers.size, 1);
  });
});
