import assert from 'node:assert/strict';
import { COPY_COLUMNS, copyNumber, copyRowEncoder, copyText } from '../src/copy-text.js';
import type { LedgerRow } from '../src/ledger-row.js';

const row: LedgerRow = {
  requestId: 'req-1', ts: Date.UTC(2026, 10, 24, 10, 0, 0, 5), kind: 'chat', model: 'smart', provider: 'echo', upstreamModel: 'echo-1',
  principalId: 'key_1', userId: null, team: 'search', status: 200, cause: 'ok', cancelled: false, cache: null, attempts: 1,
  inputTokens: 12, outputTokens: 5, cachedTokens: 0, tokensEstimated: false, costUsd: 0.000111, savedUsd: 0, durationMs: 3.14159, ttftMs: null,
};

describe('usage-ledger: COPY text', () => {
  it('writes a row as one line, a tab between columns, in COPY_COLUMNS order', () => {
    const line = copyRowEncoder()(row);
    assert.equal(line, 'req-1\t2026-11-24T10:00:00.005Z\tchat\tsmart\techo\techo-1\tkey_1\t\\N\tsearch\t200\tok\tf\t\\N\t1\t12\t5\t0\tf\t0.000111\t0\t3.142\t\\N\n');
    assert.equal(line.split('\t').length, COPY_COLUMNS.length);
  });

  it('writes NULL as \\N, and non-finite numbers as NULL', () => {
    assert.equal(copyText(null), '\\N');
    assert.equal(copyNumber(null), '\\N');
    assert.equal(copyNumber(Number.NaN), '\\N');
    assert.equal(copyNumber(Number.POSITIVE_INFINITY), '\\N');
    assert.equal(copyRowEncoder()({ ...row, durationMs: Number.NaN }).split('\t')[20], '\\N');
  });

  it('escapes backslash, tab, newline and carriage return in text', () => {
    assert.equal(copyText('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
    // A text that only looks like NULL stays text.
    assert.equal(copyText('\\N'), '\\\\N');
    assert.equal(copyRowEncoder()({ ...row, model: 'x\ty' }).split('\t')[3], 'x\\ty');
  });

  it('formats each millisecond once, and a new one when it changes', () => {
    const line = copyRowEncoder();
    assert.match(line(row), /\t2026-11-24T10:00:00\.005Z\t/);
    assert.match(line({ ...row, ts: row.ts + 0.9 }), /\t2026-11-24T10:00:00\.005Z\t/);
    assert.match(line({ ...row, ts: row.ts + 1 }), /\t2026-11-24T10:00:00\.006Z\t/);
  });
});
