import assert from 'node:assert/strict';
import { newRequestId } from '../src/http/request-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix milliseconds a version 7 UUID carries in its first 48 bits. */
const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('request ids', () => {
  it('are version 7 UUIDs carrying the time they were made', () => {
    const before = Date.now();
    const id = newRequestId();
    const after = Date.now();
    assert.match(id, UUID_V7);
    assert.ok(msOf(id) >= before && msOf(id) <= after, `${id} carries ${msOf(id)}, outside ${before}..${after}`);
  });

  it('are unique within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, newRequestId);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, UUID_V7);
  });

  it('sort by the millisecond they were made in', async () => {
    const first = newRequestId();
    await new Promise((r) => setTimeout(r, 3));
    const second = newRequestId();
    assert.ok(msOf(second) > msOf(first));
    assert.ok(second > first, `${second} should sort after ${first}`);
  });
});
