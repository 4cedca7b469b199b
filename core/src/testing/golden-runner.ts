/**
 * A golden-fixture runner for HTTP provider adapters: one directory per case,
 * each file one side of a translation.
 *
 *   options.json          { config?: {…provider entry keys}, model?: string }   (optional)
 *   input.json            the canonical request (chat, or embeddings when it has `input`)
 *   native-request.json   what `request()` must build: { path, headers, body, framing?, dropped? }
 *   request-error.json    or: the error `request()` must throw: { status, headers, body, retryable }
 *   native-response.json  an upstream JSON answer                 ─┐
 *   native-stream.txt     raw upstream stream bytes (SSE/NDJSON)  ─┼→ output.json
 *   native-error.json     { status, headers, body }               ─┘
 *
 * `output.json` is the canonical answer, `{ chunks, error? }` for a stream, or
 * `{ status, headers, body, retryable }` for an error; `created` is compared
 * as 0 (it is the clock, not the translation). Streams are fed the way core
 * reads a socket (UTF-8 decoding, SSE or NDJSON framing, JSON parsing) whole,
 * byte by byte and in odd-sized pieces, with LF and with CRLF line ends: every
 * split must give the expected output.
 *
 * For values an adapter mints at random (ids Ollama does not send), the
 * expected file may say "<any>" (any present value) or "<same:name>" (any
 * value, but the same wherever that name appears in the file).
 *
 * One runner serves every provider. Set AISBF_WRITE_GOLDEN=1 to write a missing
 * output.json from the current translation (then read it: it becomes the truth).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ChatChunk, ChatRequest, EmbeddingsRequest } from '../canonical.js';
import { isGatewayError } from '../errors.js';
import type { HttpProviderAdapter, ProviderConfig, ProviderTarget, StreamEvent, StreamTranslator } from '../plugin.js';
import { NdjsonParser } from '../upstream/ndjson-parser.js';
import { SseParser } from '../upstream/sse-parser.js';

export interface GoldenSuite<O extends ProviderConfig = ProviderConfig> {
  adapter: HttpProviderAdapter<O>;
  /** The fixtures directory (one sub-directory per case). */
  dir: string;
  /** Provider entry every case starts from (`options.json` adds to it). */
  config: ProviderConfig;
  model: string;
  /** How `native-stream.txt` is framed; default `sse`. */
  framing?: 'sse' | 'ndjson';
}

const SPLITS = [Infinity, 1, 3, 7, 64];

/** One fixture case: its directory name, and a check that throws on a mismatch. */
export interface GoldenCase {
  name: string;
  run(): void;
}

/**
 * The cases of a fixtures directory, for any test runner:
 *
 * @example
 * describe('acme: golden fixtures', () => {
 *   for (const c of goldenCases({ adapter, dir, config: { type: 'acme' }, model: 'a-1' })) it(c.name, c.run);
 * });
 */
export function goldenCases<O extends ProviderConfig>(suite: GoldenSuite<O>): GoldenCase[] {
  const names = readdirSync(suite.dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (names.length === 0) throw new Error(`no fixture directories under ${suite.dir}`);
  return names.map((name) => ({ name, run: () => runCase(suite, join(suite.dir, name)) }));
}

function runCase<O extends ProviderConfig>(suite: GoldenSuite<O>, dir: string): void {
  const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const has = (f: string) => existsSync(join(dir, f));
  const opts = (has('options.json') ? read('options.json') : {}) as { config?: Record<string, unknown>; model?: string };
  // The provider entry as core passes it once validated: defaults, then the suite's keys, then the case's.
  const config = { ...suite.adapter.defaults, ...suite.config, ...opts.config } as O;
  const target: ProviderTarget<O> = { id: 'p', config, model: opts.model ?? suite.model };
  const input = read('input.json') as ChatRequest | EmbeddingsRequest;
  const embeddings = !('messages' in input);
  let checked = 0;

  if (has('native-request.json') || has('request-error.json')) {
    const build = () => (embeddings ? suite.adapter.embeddings!.request(input as EmbeddingsRequest, target) : suite.adapter.chat.request(input as ChatRequest, target));
    if (has('native-request.json')) expectLike(outcome(build), read('native-request.json'), 'native request');
    else expectLike(outcome(build), read('request-error.json'), 'request error');
    checked++;
  }

  const outputs: Array<[string, unknown]> = [];
  if (has('native-response.json')) {
    const body = read('native-response.json');
    outputs.push(['canonical output', outcome(() => (embeddings
      ? suite.adapter.embeddings!.response(body, target, input as EmbeddingsRequest)
      : suite.adapter.chat.response(body, target, input as ChatRequest)))]);
  } else if (has('native-stream.txt')) {
    const raw = readFileSync(join(dir, 'native-stream.txt'));
    const variants = raw.includes('\r') ? [raw] : [raw, Buffer.from(raw.toString('utf8').replace(/\n/g, '\r\n'))];
    for (const bytes of variants) {
      for (const size of SPLITS) {
        const label = `stream in pieces of ${size} bytes${bytes !== raw || raw.includes('\r') ? ' with CRLF' : ''}`;
        outputs.push([label, feed(suite.adapter.chat.stream(target, input as ChatRequest), suite.framing ?? 'sse', bytes, size)]);
      }
    }
  } else if (has('native-error.json')) {
    const e = read('native-error.json') as { status: number; headers?: Record<string, string>; body: unknown };
    outputs.push(['canonical error', outcome(() => { throw suite.adapter.error(e.status, e.body, e.headers ?? {}, target); })]);
  }
  if (outputs.length > 0) {
    const file = join(dir, 'output.json');
    if (!existsSync(file) && process.env.AISBF_WRITE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(outputs[0][1], null, 2)}\n`);
    const expected = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    for (const [label, actual] of outputs) expectLike(actual, expected, label);
    checked++;
  }
  assert.ok(checked > 0, `${dir}: nothing to check (no native-request/response/stream/error file)`);
}

/** Raw bytes → `size`-byte pieces → UTF-8 decoder → SSE or NDJSON framing → JSON → translator, as core reads a socket. */
export function feed(translator: StreamTranslator, framing: 'sse' | 'ndjson', bytes: Buffer, size: number): { chunks: unknown[]; error?: unknown } {
  const decoder = new StringDecoder('utf8');
  const sse = new SseParser();
  const nd = new NdjsonParser();
  const parse = (text: string): StreamEvent[] => (framing === 'sse' ? sse.push(text) : nd.push(text).map((data) => ({ data })));
  const rest = (): StreamEvent[] => (framing === 'sse' ? sse.end() : nd.end().map((data) => ({ data })));
  const chunks: ChatChunk[] = [];
  const step = Number.isFinite(size) ? size : bytes.length;
  let done = false;
  const handle = (events: StreamEvent[]) => {
    for (const ev of events) {
      if (ev.data === '[DONE]') { done = true; return; }
      chunks.push(...(translator.event({ event: ev.event, data: JSON.parse(ev.data as string) }) ?? []));
    }
  };
  try {
    for (let i = 0; i < bytes.length && !done; i += step) handle(parse(decoder.write(bytes.subarray(i, i + step))));
    if (!done) handle(parse(decoder.end()));
    if (!done) handle(rest());
    chunks.push(...(translator.end?.() ?? []));
    return { chunks: chunks.map(plain) };
  } catch (err) {
    return { chunks: chunks.map(plain), error: errorShape(err) };
  }
}

/** Runs `fn`; its value (with `created` zeroed), or the GatewayError it threw as `{ status, headers, body, retryable }`. */
function outcome(fn: () => unknown): unknown {
  try {
    return plain(fn());
  } catch (err) {
    return errorShape(err);
  }
}

function errorShape(err: unknown): unknown {
  if (!isGatewayError(err)) throw err;
  return { status: err.status, headers: err.headers, body: err.toJSON(), retryable: err.retryable };
}

/** JSON round trip (drops `undefined`), with `created` set to 0. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, val) => (k === 'created' && typeof val === 'number' ? 0 : val)));
}

/** Asserts `actual` equals `expected`, with "<any>" / "<same:name>" placeholders filled from `actual`. */
export function expectLike(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(actual, fill(expected, actual, new Map()), message);
}

function fill(expected: unknown, actual: unknown, bound: Map<string, unknown>): unknown {
  if (typeof expected === 'string') {
    if (expected === '<any>') return actual === undefined ? expected : actual;
    const same = /^<same:([\w-]+)>$/.exec(expected);
    if (same) {
      if (!bound.has(same[1]) && actual !== undefined) bound.set(same[1], actual);
      return bound.has(same[1]) ? bound.get(same[1]) : expected;
    }
    return expected;
  }
  if (Array.isArray(expected)) return expected.map((e, i) => fill(e, Array.isArray(actual) ? actual[i] : undefined, bound));
  if (expected !== null && typeof expected === 'object') {
    const a = (actual !== null && typeof actual === 'object' ? actual : {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, fill(v, a[k], bound)]));
  }
  return expected;
}
