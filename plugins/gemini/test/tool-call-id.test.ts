import assert from 'node:assert/strict';
import { decodeCallId, encodeCallId } from '../src/index.js';
import { mintCallId } from '../src/tool-call-id.js';

describe('gemini tool-call ids carry the thought signature and Gemini\'s own id', () => {
  it('mints the same id for the same response, candidate and position, and different ids otherwise', () => {
    const a = mintCallId('resp-1', 0, 0);
    assert.match(a, /^call_[0-9a-f]{24}$/);
    assert.equal(mintCallId('resp-1', 0, 0), a);
    assert.notEqual(mintCallId('resp-1', 0, 1), a);
    assert.notEqual(mintCallId('resp-1', 1, 0), a);
    assert.notEqual(mintCallId('resp-2', 0, 0), a);
  });

  it('never sends a minted id to Gemini, but keeps the signature', () => {
    const id = encodeCallId(mintCallId('r', 0, 0), 'CiQB+/sig==');
    assert.deepEqual(decodeCallId(id), { geminiId: undefined, signature: 'CiQB+/sig==' });
  });

  it('gives Gemini back its own id, with or without a signature', () => {
    assert.deepEqual(decodeCallId(encodeCallId('fc_abc', 'S')), { geminiId: 'fc_abc', signature: 'S' });
    assert.deepEqual(decodeCallId('fc_abc'), { geminiId: 'fc_abc', signature: undefined });
  });

  it('treats ids made by another provider as opaque ids without a signature', () => {
    assert.deepEqual(decodeCallId('toolu_01A'), { geminiId: 'toolu_01A', signature: undefined });
  });
});
