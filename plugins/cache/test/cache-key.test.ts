import assert from 'node:assert/strict';
import type { ChatRequest, RequestContext } from 'aisbf';
import { answerFields, canonicalJson, requestKey } from '../src/cache-key.js';
import { directive } from '../src/controls.js';
import { tenantScope } from '../src/tenant-scope.js';

type KeyInput = Pick<RequestContext, 'kind' | 'model' | 'body'>;

function chat(body: Partial<ChatRequest>, model = 'smart'): KeyInput {
  return { kind: 'chat', model, body: { model, messages: [{ role: 'user', content: 'hi' }], ...body } as ChatRequest };
}

const base: Partial<ChatRequest> = {
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
  ],
  temperature: 0.2,
  top_p: 0.9,
  max_tokens: 100,
  stop: ['\n\n'],
  seed: 7,
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
  tool_choice: 'auto',
  response_format: { type: 'json_object' },
};

describe('cache key', () => {
  it('writes canonical JSON with sorted keys at every level and arrays in order', () => {
    assert.equal(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined }), '{"a":[2,{"c":4,"d":3}],"b":1}');
    assert.equal(canonicalJson([3, 1, 2]), '[3,1,2]');
    assert.equal(canonicalJson('x"y'), '"x\\"y"');
    assert.equal(canonicalJson(null), 'null');
  });

  it('hashes equivalent JSON alike: key order and whitespace do not matter', () => {
    const a = JSON.parse('{"model":"smart","messages":[{"role":"user","content":"hi"}],"temperature":0.5,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","required":["a"]}}}]}');
    const b = JSON.parse(`{
      "temperature" : 0.5,
      "tools": [ { "function": { "parameters": { "required": [ "a" ], "type": "object" }, "name": "f" }, "type": "function" } ],
      "messages": [ { "content": "hi", "role": "user" } ],
      "model": "smart"
    }`);
    assert.equal(requestKey({ kind: 'chat', model: 'smart', body: a }, 's'), requestKey({ kind: 'chat', model: 'smart', body: b }, 's'));
  });

  it('ignores stream, stream_options, user, and top-level nulls', () => {
    const k = requestKey(chat(base), 's');
    assert.equal(requestKey(chat({ ...base, stream: true, stream_options: { include_usage: true } }), 's'), k);
    assert.equal(requestKey(chat({ ...base, user: 'someone-else' }), 's'), k);
    assert.equal(requestKey(chat({ ...base, presence_penalty: null, logit_bias: null }), 's'), k);
  });

  it('changes with every answer-changing field', () => {
    const k = requestKey(chat(base), 's');
    const variants: Array<[string, Partial<ChatRequest>]> = [
      ['temperature', { temperature: 0.3 }],
      ['top_p', { top_p: 1 }],
      ['max_tokens', { max_tokens: 101 }],
      ['stop', { stop: ['\n'] }],
      ['seed', { seed: 8 }],
      ['tool_choice', { tool_choice: 'required' }],
      ['tools', { tools: [{ type: 'function', function: { name: 'lookup2' } }] }],
      ['response_format', { response_format: { type: 'text' } }],
      ['n', { n: 2 }],
      ['an unknown extra field', { reasoning_effort: 'high' }],
      ['message text', { messages: [{ role: 'user', content: 'what is that?' }] }],
      ['image part', {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAB', detail: 'low' } }] },
        ],
      }],
      ['message order', { messages: [...(base.messages ?? [])].reverse() }],
    ];
    for (const [what, change] of variants) {
      assert.notEqual(requestKey(chat({ ...base, ...change }), 's'), k, `${what} must change the key`);
    }
    assert.notEqual(requestKey(chat(base, 'other-model'), 's'), k, 'the public model name must change the key');
    assert.notEqual(requestKey(chat(base), 't'), k, 'the scope must change the key');
  });

  it('tells chat and embeddings apart', () => {
    const body = { model: 'm', input: 'hi' };
    assert.notEqual(answerFields({ kind: 'embeddings', model: 'm', body }), answerFields({ kind: 'chat', model: 'm', body: body as unknown as ChatRequest }));
  });
});

describe('tenant scope', () => {
  it('scopes by team, then by key id, never sharing between kinds of identity', () => {
    const a = tenantScope({ principal: { id: 'k1', team: 'search' }, headers: {} }, 'team');
    const b = tenantScope({ principal: { id: 'k2', team: 'search' }, headers: {} }, 'team');
    const c = tenantScope({ principal: { id: 'k3', team: 'ads' }, headers: {} }, 'team');
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.notEqual(
      tenantScope({ principal: { id: 'k1', team: 'search' }, headers: {} }, 'key'),
      tenantScope({ principal: { id: 'k2', team: 'search' }, headers: {} }, 'key'),
    );
    // A principal without a team falls back to its key id.
    assert.equal(tenantScope({ principal: { id: 'x' }, headers: {} }, 'team'), tenantScope({ principal: { id: 'x' }, headers: {} }, 'key'));
    // A team named like a key id does not share with that key.
    assert.notEqual(tenantScope({ principal: { id: 'k9', team: 'x' }, headers: {} }, 'team'), tenantScope({ principal: { id: 'x' }, headers: {} }, 'key'));
  });

  it('without a principal, scopes by a hash of the bearer token (never the token itself)', () => {
    const t1 = tenantScope({ headers: { authorization: 'Bearer sk-one' } }, 'team');
    const t2 = tenantScope({ headers: { authorization: 'Bearer sk-two' } }, 'team');
    assert.notEqual(t1, t2);
    assert.equal(t1, tenantScope({ headers: { authorization: 'Bearer sk-one' } }, 'key'));
    assert.ok(!t1.includes('sk-one'));
    assert.equal(tenantScope({ headers: {} }, 'team'), 'anon');
    assert.equal(tenantScope({ headers: { authorization: 'Bearer sk-one' } }, 'global'), 'g');
  });
});

describe('cache controls', () => {
  it('reads x-aisbf-cache and Cache-Control alike; no-store wins', () => {
    assert.equal(directive({ headers: {} }), 'default');
    assert.equal(directive({ headers: { 'x-aisbf-cache': 'no-cache' } }), 'no-cache');
    assert.equal(directive({ headers: { 'x-aisbf-cache': 'no-store' } }), 'no-store');
    assert.equal(directive({ headers: { 'cache-control': 'max-age=0, No-Cache' } }), 'no-cache');
    assert.equal(directive({ headers: { 'cache-control': 'no-store' } }), 'no-store');
    assert.equal(directive({ headers: { 'x-aisbf-cache': 'no-cache', 'cache-control': 'no-store' } }), 'no-store');
    assert.equal(directive({ headers: { 'cache-control': 'max-age=60' } }), 'default');
  });
});
