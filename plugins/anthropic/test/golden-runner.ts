/**
 * A golden-fixture runner for HTTP provider adapters: one directory per case,
 * each file one side of a translation.
 *
 *   options.json          { config?: {…provider entry keys}, model?: string }   (optional)
 *   input.json            the canonical request (chat, or embeddings when it has `input`)
 *   native-request.json   what `request()` must build: { path, headers, body, … }
 *   request-error.json    or: the error `request()` must throw: { status, headers, body }
 *   native-response.json  an upstream JSON answer        ─┐
 *   native-stream.txt     raw upstream stream bytes      ─┼→ output.json
 *   native-error.json     { status, headers, body }      ─┘
 *
 * `output.json` is the canonical answer, `{ chunks, error? }` for a stream, or
 * `{ status, headers, body, retryable }` for an error. Streams are fed through
 * core's SSE parser in several splits (whole, every byte, odd sizes, and LF
 * framing rewritten as CRLF): every split must give the same output.
 *
 * Set AISBF_WRITE_GOLDEN=1 to write a missing output.json from the current
 * translation (then read it before committing: it becomes the truth).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  isGatewayError, SseParser, type ChatChunk, type ChatRequest, type EmbeddingsRequest, type HttpProviderAdapter, type ProviderConfig,
  type ProviderTarget,
} from 'aisbf';

export interface GoldenSuite {
  /** The plugin's adapter, e.g. `anthropic().provider as HttpProviderAdapter`. */
  adapter: HttpProviderAdapter;
  /** The fixtures directory (one sub-directory per case). */
  dir: string;
  /** Provider entry every case starts from (`options.json` adds to it). */
  config: ProviderConfig;
  model: string;
}

const SPLITS = [Infinity, 1, 3, 7, 64];

/** Registers one mocha `it` per fixture directory. */
export function describeGolden(title: string, suite: GoldenSuite): void {
  describe(title, () => {
    const cases = readdirSync(suite.dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    it('has fixtures', () => assert.ok(cases.length > 0, `no fixture directories under ${suite.dir}`));
    for (const name of cases) it(name, () => runCase(suite, join(suite.dir, name)));
  });
}

function runCase(suite: GoldenSuite, dir: string): void {
  const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const has = (f: string) => existsSync(join(dir, f));
  const opts = (has('options.json') ? read('options.json') : {}) as { config?: Record<string, unknown>; model?: string };
  const target: ProviderTarget = { id: 'p', config: { ...suite.adapter.defaults, ...suite.config, ...opts.config }, model: opts.model ?? suite.model };
  const input = read('input.json') as ChatRequest | EmbeddingsRequest;
  const embeddings = !('messages' in input);
  let checked = 0;

  if (has('native-request.json') || has('request-error.json')) {
    const build = () => (embeddings ? suite.adapter.embeddings!.request(input as EmbeddingsRequest, target) : suite.adapter.chat.request(input as ChatRequest, target));
    if (has('native-request.json')) assert.deepEqual(plain(build()), read('native-request.json'), 'native request');
    else assert.deepEqual(outcome(build), read('request-error.json'), 'request error');
    checked++;
  }

  let output: unknown;
  if (has('native-response.json')) {
    const body = read('native-response.json');
    output = outcome(() => (embeddings
      ? suite.adapter.embeddings!.response(body, target, input as EmbeddingsRequest)
      : suite.adapter.chat.response(body, target, input as ChatRequest)));
  } else if (has('native-stream.txt')) {
    const raw = readFileSync(join(dir, 'native-stream.txt'));
    const variants = raw.includes('\r') ? [raw] : [raw, Buffer.from(raw.toString('utf8').replace(/\n/g, '\r\n'))];
    const runs = variants.flatMap((bytes) => SPLITS.map((size) => ({ size, crlf: bytes !== raw || raw.includes('\r'), out: feed(suite, target, input as ChatRequest, bytes, size) })));
    for (const r of runs.slice(1)) assert.deepEqual(r.out, runs[0].out, `stream split in pieces of ${r.size} bytes${r.crlf ? ' with CRLF' : ''} differs`);
    output = runs[0].out;
  } else if (has('native-error.json')) {
    const e = read('native-error.json') as { status: number; headers?: Record<string, string>; body: unknown };
    output = outcome(() => { throw suite.adapter.error(e.status, e.body, e.headers ?? {}, target); });
  }
  if (output !== undefined) {
    const file = join(dir, 'output.json');
    if (!existsSync(file) && process.env.AISBF_WRITE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
    assert.deepEqual(output, JSON.parse(readFileSync(file, 'utf8')), 'canonical output');
    checked++;
  }
  assert.ok(checked > 0, `${dir}: nothing to check (no native-request/response/stream/error file)`);
}

/** Raw bytes → split into `size`-byte pieces → UTF-8 decoder → SSE parser → JSON → translator, as core reads a socket. */
function feed(suite: GoldenSuite, target: ProviderTarget, req: ChatRequest, bytes: Buffer, size: number): { chunks: unknown[]; error?: unknown } {
  const translator = suite.adapter.chat.stream(target, req);
  const decoder = new StringDecoder('utf8');
  const parser = new SseParser();
  const chunks: ChatChunk[] = [];
  const step = Number.isFinite(size) ? size : bytes.length;
  try {
    let done = false;
    const handle = (msgs: ReturnType<SseParser['push']>) => {
      for (const m of msgs) {
        if (m.data === '[DONE]') { done = true; return; }
        chunks.push(...(translator.event({ event: m.event, data: JSON.parse(m.data) }) ?? []));
      }
    };
    for (let i = 0; i < bytes.length && !done; i += step) handle(parser.push(decoder.write(bytes.subarray(i, i + step))));
    if (!done) handle(parser.push(decoder.end()));
    if (!done) handle(parser.end());
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

/** JSON round trip (drops `undefined`), with `created` set to 0: it is the clock, not the translation. */
function plain(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (k, val) => (k === 'created' && typeof val === 'number' ? 0 : val)));
}
