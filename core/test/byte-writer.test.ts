import assert from 'node:assert/strict';
import { ByteWriter } from '../src/bytes/byte-writer.js';

const text = (w: ByteWriter) => w.take().toString('utf8');

describe('ByteWriter', () => {
  it('appends fixed bytes, single bytes and plain text, growing past its first buffer', () => {
    const w = new ByteWriter(64);
    const key = ByteWriter.encode('{"k":');
    let expected = '';
    for (let i = 0; i < 200; i++) {
      w.raw(key);
      assert.equal(w.plainQuoted(`v${i}`), true);
      w.byte(0x7d);
      expected += `{"k":"v${i}"}`;
    }
    assert.equal(w.length, Buffer.byteLength(expected));
    assert.equal(text(w), expected);
    assert.equal(w.length, 0);
  });

  it('copies fixed parts longer than a key whole', () => {
    const w = new ByteWriter(64);
    const long = 'x'.repeat(300);
    w.raw(ByteWriter.encode(long));
    assert.equal(text(w), long);
  });

  it('refuses text that needs escaping or is not ASCII, and writes nothing of it', () => {
    for (const s of ['a"b', 'a\\b', 'tab\t', 'nl\n', 'nul\u0000', 'del\u007f', 'é', '😀']) {
      const w = new ByteWriter(64);
      w.raw(ByteWriter.encode('['));
      assert.equal(w.plain(s), false, JSON.stringify(s));
      assert.equal(w.plainQuoted(s), false, JSON.stringify(s));
      assert.equal(text(w), '[');
    }
    const w = new ByteWriter(64);
    assert.equal(w.plain(' !#~ plain text 0-9 '), true);
    assert.equal(text(w), ' !#~ plain text 0-9 ');
  });

  it('writes any text as UTF-8, lone surrogates as U+FFFD like Buffer.from', () => {
    const w = new ByteWriter(64);
    const s = `é€😀 ${'ж'.repeat(100)} \ud800 end`;
    w.utf8(s);
    assert.deepEqual(w.take(), Buffer.from(s, 'utf8'));
  });

  it('writes integers and numbers exactly as String() does', () => {
    const values = [0, -0, 1, 9, 10, 99, 100, -1, -10, 123456789, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e21,
      0.1, 0.5, -0.5, 2.5, 3012.7, 0.000111, 1e-7, 0.1 + 0.2, 123456789.123, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (let i = 0; i < 2000; i++) values.push(Math.round(Math.random() * 1e6) / 10, Math.random() * 1000, -Math.random(), Math.floor(Math.random() * 1e12));
    for (const v of values) {
      const w = new ByteWriter(64);
      w.number(v);
      assert.equal(text(w), String(v), `number(${v})`);
      if (Number.isInteger(v) || !Number.isFinite(v)) {
        w.int(v);
        assert.equal(text(w), String(v), `int(${v})`);
      }
    }
  });

  it('writes fixed decimals exactly as toFixed() does, halfway values included', () => {
    const values = [0, -0, 1, -1, 0.0005, 1.0005, 694.4715, -0.0001, 12.3456789, 1e-9, 1e21, Number.NaN, Number.POSITIVE_INFINITY];
    for (let i = 0; i < 5000; i++) values.push(Math.random() * 5000, Math.round(Math.random() * 1e6) / 1000 + 0.0005, -Math.random() * 10);
    for (const v of values) {
      for (const d of [0, 1, 3]) {
        const w = new ByteWriter(64);
        w.fixed(v, d);
        assert.equal(text(w), v.toFixed(d), `fixed(${v}, ${d})`);
      }
    }
  });

  it('forgets a partly written record on truncate', () => {
    const w = new ByteWriter(64);
    w.plain('kept;');
    const mark = w.length;
    w.plain('half a rec');
    w.truncate(mark);
    w.plain('next;');
    assert.equal(text(w), 'kept;next;');
  });

  it('hands over bytes the caller may keep: later writes go to a new buffer', () => {
    const w = new ByteWriter(64);
    w.plain('first');
    const first = w.take();
    w.plain('second');
    assert.equal(first.toString(), 'first');
    assert.equal(text(w), 'second');
  });
});
