import assert from 'node:assert/strict';
import { ByteWriter } from 'aisbf';
import { COPY_COLUMNS, copyRowWriter, copyText } from '../src/copy-text.js';
import type { LedgerRow } from '../src/ledger-row.js';

const row: LedgerRow = {
  requestId: 'req-1', ts: Date.UTC(2026, 10, 24, 10, 0, 0, 5), kind: 'chat', model: 'smart', provider: 'echo', upstreamModel: 'echo-1',
  principalId: 'key_1', userId: null, team: 'search', status: 200, cause: 'ok', cancelled: false, cache: null, attempts: 1,
  inputTokens: 12, outputTokens: 5, cachedTokens: 0, tokensEstimated: false, costUsd: 0.000111, savedUsd: 0, durationMs: 3.14159, ttftMs: null,
};

/** The COPY line the writer writes for a row. */
function line(r: LedgerRow, writeRow = copyRowWriter()): string {
  const w = new ByteWriter(16);
  writeRow(w, r);
  return w.take().toString('utf8');
}

describe('usage-ledger: COPY text', () => {
  it('writes a row as one line, a tab between columns, in COPY_COLUMNS order', () => {
    const text = line(row);
    assert.equal(text, 'req-1\t2026-11-24T10:00:00.005Z\tchat\tsmart\techo\techo-1\tkey_1\t\\N\tsearch\t200\tok\tf\t\\N\t1\t12\t5\t0\tf\t0.000111\t0\t3.142\t\\N\n');
    assert.equal(text.split('\t').length, COPY_COLUMNS.length);
  });

  it('writes NULL as \\N, and non-finite numbers as NULL', () => {
    assert.equal(copyText(null), '\\N');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const cols = line({ ...row, durationMs: bad, costUsd: bad, inputTokens: bad }).split('\t');
      assert.equal(cols[20], '\\N');
      assert.equal(cols[18], '\\N');
      assert.equal(cols[14], '\\N');
    }
    const cols = line({ ...row, provider: null, costUsd: null, ttftMs: 0.5, cancelled: true, tokensEstimated: true }).trimEnd().split('\t');
    assert.deepEqual([cols[4], cols[18], cols[21], cols[11], cols[17]], ['\\N', '\\N', '0.500', 't', 't']);
  });

  it('escapes backslash, tab, newline and carriage return in text, and keeps other text exact', () => {
    assert.equal(copyText('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
    // A text that only looks like NULL stays text.
    assert.equal(copyText('\\N'), '\\\\N');
    assert.equal(line({ ...row, model: 'x\ty' }).split('\t')[3], 'x\\ty');
    assert.equal(line({ ...row, model: '\\N' }).split('\t')[3], '\\\\N');
    for (const odd of ['say "hi"', 'crème brûlée', '日本語 🙂', 'del\u007f']) assert.equal(line({ ...row, team: odd }).split('\t')[8], odd);
  });

  it('writes numbers as PostgreSQL reads them back: integers, fractions, durations to the microsecond', () => {
    const cols = line({ ...row, costUsd: 1e-7, savedUsd: 0.1 + 0.2, durationMs: 1234.0005, inputTokens: 123456789 }).trimEnd().split('\t');
    assert.deepEqual([cols[18], cols[19], cols[20], cols[14]], ['1e-7', String(0.1 + 0.2), (1234.0005).toFixed(3), '123456789']);
  });

  it('formats each millisecond once, and a new one when it changes', () => {
    const writeRow = copyRowWriter();
    assert.match(line(row, writeRow), /\t2026-11-24T10:00:00\.005Z\t/);
    assert.match(line({ ...row, ts: row.ts + 0.9 }, writeRow), /\t2026-11-24T10:00:00\.005Z\t/);
    assert.match(line({ ...row, ts: row.ts + 1 }, writeRow), /\t2026-11-24T10:00:00\.006Z\t/);
  });
});
