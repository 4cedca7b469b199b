import assert from 'node:assert/strict';
import { copyLine } from '../src/copy-text.js';

describe('usage-ledger: COPY text lines', () => {
  it('separates columns by tabs and ends the row with a newline', () => {
    assert.equal(copyLine(['req-1', 200, 0.000111, 'ok']), 'req-1\t200\t0.000111\tok\n');
  });

  it('writes NULL as \\N, booleans as t/f, and non-finite numbers as NULL', () => {
    assert.equal(copyLine([null, true, false, Number.NaN, Number.POSITIVE_INFINITY]), '\\N\tt\tf\t\\N\t\\N\n');
  });

  it('escapes backslash, tab, newline and carriage return in text', () => {
    assert.equal(copyLine(['a\\b\tc\nd\re']), 'a\\\\b\\tc\\nd\\re\n');
    // A text that only looks like NULL stays text.
    assert.equal(copyLine(['\\N']), '\\\\N\n');
  });
});
