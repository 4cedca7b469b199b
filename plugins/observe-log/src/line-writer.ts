import { ByteWriter } from 'aisbf';
import { pino, type Level } from 'pino';
import type { AccessLine } from './access-line.js';
import { isoTime } from './iso-time.js';

const K = ByteWriter.encode;
const NULL = K('null');
const TRUE = K('true');
const FALSE = K('false');

function str(w: ByteWriter, s: string): void {
  // Escapes, control characters and non-ASCII text take JSON.stringify's rules, as pino's do.
  if (!w.plainQuoted(s)) w.utf8(JSON.stringify(s));
}

function num(w: ByteWriter, n: number | null | undefined): void {
  // pino writes NaN and ±Infinity as null, as JSON.stringify does.
  if (typeof n === 'number' && Number.isFinite(n)) w.number(n);
  else w.raw(NULL);
}

const bool = (w: ByteWriter, b: boolean) => w.raw(b ? TRUE : FALSE);

// A field pino leaves out when it is undefined: its key, then its value.
function optStr(w: ByteWriter, k: Uint8Array, v: string | undefined): void {
  if (v === undefined) return;
  w.raw(k);
  str(w, v);
}

function optNum(w: ByteWriter, k: Uint8Array, v: number | null | undefined): void {
  if (v === undefined) return;
  w.raw(k);
  num(w, v);
}

function optBool(w: ByteWriter, k: Uint8Array, v: boolean | undefined): void {
  if (v === undefined) return;
  w.raw(k);
  bool(w, v);
}

/** `,"key":` as bytes. */
const key = (name: string) => K(`,"${name}":`);

const F = {
  requestId: key('request_id'), kind: key('kind'), stream: key('stream'), principal: K(',"principal":{'), model: key('model'),
  provider: key('provider'), upstreamModel: key('upstream_model'), attempts: key('attempts'), status: key('status'), cause: key('cause'),
  latency: key('latency_ms'), upstream: key('upstream_ms'), cost: key('cost_usd'), attemptLog: K(',"attempt_log":['),
  errorType: key('error_type'), errorCode: key('error_code'), errorMessage: key('error_message'), errorPlugin: key('error_plugin'),
  cancelled: key('cancelled'), ttft: key('ttft_ms'), overhead: key('overhead_ms'), tokens: K(',"tokens":{"input":'),
  output: key('output'), cached: key('cached'), estimated: key('estimated'), cache: key('cache'), saved: key('saved_usd'),
  end: K(',"msg":"request"}\n'),
  // Inside objects: the first key has no comma before it.
  id: K('"id":'), user: key('user'), team: key('team'), tier: key('tier'),
  aProvider: K('{"provider":'), aModel: key('model'), aOutcome: key('outcome'), aStatus: key('status'), aLatency: key('latency_ms'),
};

/**
 * Writes access lines as UTF-8 bytes, exactly as pino would write
 * `log[level](line, 'request')` with this plugin's logger: same fields, same
 * order (`level`, `time`, `name`, the line's fields, `msg`), fields that are
 * `undefined` left out, non-finite numbers as null. The line goes straight
 * into the batch's buffer, field by field, with no JSON string built on the
 * way: this runs once per request on the thread that serves requests.
 *
 * Lines with request bodies (`logBodies`) have no fixed shape: they go
 * through pino and its path redaction.
 *
 * @example
 * const write = lineWriter('aisbf-access');
 * write(w, line, 'info', Date.now()); // w now ends with '{"level":30,"time":"2026-…","name":"aisbf-access",…,"msg":"request"}\n'
 */
export function lineWriter(name: string): (w: ByteWriter, line: AccessLine, level: Level, timeMs: number) => void {
  const iso = isoTime();
  // '{"level":30,"time":"' for each level, and '","name":"aisbf-access"' after the time.
  const heads = new Map<Level, Uint8Array>();
  for (const level of Object.keys(pino.levels.values) as Level[]) heads.set(level, K(`{"level":${pino.levels.values[level]},"time":"`));
  const afterTime = K(`","name":${JSON.stringify(name)}`);
  return (w, l, level, timeMs) => {
    w.raw(heads.get(level)!);
    w.plain(iso(timeMs));
    w.raw(afterTime);
    w.raw(F.requestId);
    str(w, l.request_id);
    w.raw(F.kind);
    str(w, l.kind);
    w.raw(F.stream);
    bool(w, l.stream);
    const p = l.principal;
    if (p) {
      w.raw(F.principal);
      w.raw(F.id);
      str(w, p.id);
      optStr(w, F.user, p.user);
      optStr(w, F.team, p.team);
      optStr(w, F.tier, p.tier);
      w.byte(0x7d);
    }
    w.raw(F.model);
    str(w, l.model);
    optStr(w, F.provider, l.provider);
    optStr(w, F.upstreamModel, l.upstream_model);
    w.raw(F.attempts);
    num(w, l.attempts);
    w.raw(F.status);
    num(w, l.status);
    w.raw(F.cause);
    str(w, l.cause);
    w.raw(F.latency);
    num(w, l.latency_ms);
    w.raw(F.upstream);
    num(w, l.upstream_ms);
    w.raw(F.cost);
    num(w, l.cost_usd);
    if (l.attempt_log !== undefined) {
      w.raw(F.attemptLog);
      for (let i = 0; i < l.attempt_log.length; i++) {
        const a = l.attempt_log[i];
        if (i > 0) w.byte(0x2c);
        w.raw(F.aProvider);
        str(w, a.provider);
        w.raw(F.aModel);
        str(w, a.model);
        w.raw(F.aOutcome);
        str(w, a.outcome);
        optNum(w, F.aStatus, a.status);
        w.raw(F.aLatency);
        num(w, a.latency_ms);
        w.byte(0x7d);
      }
      w.byte(0x5d);
    }
    optStr(w, F.errorType, l.error_type);
    if (l.error_code !== undefined) {
      w.raw(F.errorCode);
      if (l.error_code === null) w.raw(NULL);
      else str(w, l.error_code);
    }
    optStr(w, F.errorMessage, l.error_message);
    optStr(w, F.errorPlugin, l.error_plugin);
    optBool(w, F.cancelled, l.cancelled);
    optNum(w, F.ttft, l.ttft_ms);
    optNum(w, F.overhead, l.overhead_ms);
    const t = l.tokens;
    if (t) {
      w.raw(F.tokens);
      num(w, t.input);
      w.raw(F.output);
      num(w, t.output);
      w.raw(F.cached);
      num(w, t.cached);
      optBool(w, F.estimated, t.estimated);
      w.byte(0x7d);
    }
    optStr(w, F.cache, l.cache);
    optNum(w, F.saved, l.saved_usd);
    w.raw(F.end);
  };
}
