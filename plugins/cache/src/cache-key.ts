import { createHash } from 'node:crypto';
import type { RequestContext } from 'aisbf';

/**
 * Request fields that never change the answer: how it is delivered (`stream`,
 * `stream_options`) and who asked (`user`, a tracking id for the provider).
 * Everything else is kept, including fields the gateway does not know, since
 * an unknown parameter may well change what the model says. `model` is left
 * out here only because the key takes it from `ctx.model` (the same name).
 */
const IGNORED_FIELDS: ReadonlySet<string> = new Set(['stream', 'stream_options', 'user', 'model']);

/**
 * Bumped whenever the key recipe or the stored entry shape changes, so that
 * entries written by an older version are simply never found again.
 */
const KEY_VERSION = 'v1';

/**
 * JSON with object keys sorted at every level and `undefined` members left
 * out, so two bodies that mean the same thing give the same text whatever the
 * client's key order or whitespace. Arrays keep their order (message order,
 * stop sequences and tool order all matter).
 *
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) === '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // Non-finite numbers become null, exactly as JSON.stringify would write them.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item: unknown = value[i];
      out += item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/**
 * The part of a request that decides the answer, as canonical JSON: the kind
 * of request, the public model name the client asked for, and every body
 * field except the ignored ones. A top-level `null` means "the default", the
 * same as leaving the field out, so both hash alike.
 */
export function answerFields(ctx: Pick<RequestContext, 'kind' | 'model' | 'body'>): string {
  const body = ctx.body as unknown as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const k of Object.keys(body)) {
    const v = body[k];
    if (v === null || v === undefined || IGNORED_FIELDS.has(k)) continue;
    kept[k] = v;
  }
  return canonicalJson({ kind: ctx.kind, model: ctx.model, body: kept });
}

/**
 * The storage key of a request inside one tenant scope:
 * `cache:v1:<scope>:<sha256 of the answer-changing fields>`. The scope comes
 * from `tenantScope`, so two tenants never share a key.
 *
 * @example requestKey(ctx, 't-3f9a…') // 'cache:v1:t-3f9a…:Qm9v…'
 */
export function requestKey(ctx: Pick<RequestContext, 'kind' | 'model' | 'body'>, scope: string): string {
  const digest = createHash('sha256').update(answerFields(ctx)).digest('base64url');
  return `cache:${KEY_VERSION}:${scope}:${digest}`;
}
