import assert from 'node:assert/strict';
import { NdjsonParser, SseParser, type SseMessage } from 'aisbf';

function parseAll(parts: string[]): SseMessage[] {
  const p = new SseParser();
  const out: SseMessage[] = [];
  for (const part of parts) out.push(...p.push(part));
  out.push(...p.end());
  return out;
}

describe('SseParser', () => {
  const wire = 'event: message_start\ndata: {"a":1}\n\n: keep-alive comment\n\ndata: {"b":\ndata: 2}\n\nid: 7\ndata: [DONE]\n\n';
  const expected: SseMessage[] = [
    { event: 'message_start', data: '{"a":1}', id: undefined },
    { event: undefined, data: '{"b":\n2}', id: undefined },
    { event: undefined, data: '[DONE]', id: '7' },
  ];

  it('reads events, joins data lines and skips comments', () => {
    assert.deepEqual(parseAll([wire]), expected);
  });

  it('gives the same events however the bytes are split', () => {
    for (let i = 1; i < wire.length; i++) assert.deepEqual(parseAll([wire.slice(0, i), wire.slice(i)]), expected, `split at ${i}`);
    assert.deepEqual(parseAll([...wire]), expected, 'one character at a time');
  });

  it('accepts CRLF and CR line endings, split between \\r and \\n', () => {
    const crlf = wire.replace(/\n/g, '\r\n');
    for (let i = 1; i < crlf.length; i++) assert.deepEqual(parseAll([crlf.slice(0, i), crlf.slice(i)]), expected, `crlf split at ${i}`);
    assert.deepEqual(parseAll([wire.replace(/\n/g, '\r')]), expected);
  });

  it('delivers a last event that lacks its blank line at end of input', () => {
    assert.deepEqual(parseAll(['data: {"x":1}']), [{ event: undefined, data: '{"x":1}', id: undefined }]);
  });

  it('strips exactly one space after the colon', () => {
    assert.deepEqual(parseAll(['data:  two spaces\n\n']), [{ event: undefined, data: ' two spaces', id: undefined }]);
  });
});

describe('NdjsonParser', () => {
  it('splits lines across arbitrary chunk borders and flushes the last line', () => {
    const text = '{"a":1}\n\n{"b":"é"}\n{"c":3}';
    for (let i = 1; i < text.length; i++) {
      const p = new NdjsonParser();
      const lines = [...p.push(text.slice(0, i)), ...p.push(text.slice(i)), ...p.end()];
      assert.deepEqual(lines.map((l) => JSON.parse(l)), [{ a: 1 }, { b: 'é' }, { c: 3 }], `split at ${i}`);
    }
  });
});
