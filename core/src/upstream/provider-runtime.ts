import { StringDecoder } from 'node:string_decoder';
import type {
  ChatChunk, ChatRequest, ChatResponse, EmbeddingsRequest, EmbeddingsResponse,
} from '../canonical.js';
import { AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL, AISBF_ERR_UPSTREAM_TIMEOUT, isGatewayError, type GatewayError } from '../errors.js';
/** How one call is made: streamed or not, cancelled by `abort`, with a failover strategy's limits. */
export interface CallOptions {
  abort: Abort;
  stream?: boolean;
  /** Told which parameters the adapter dropped. */
  onDropped?: (params: string[]) => void;
  limits?: AttemptLimits;
}

import type {
  AttemptLimits, ChatStream, DirectProviderAdapter, HttpProviderAdapter, ProviderAdapter, ProviderConfig, ProviderTarget,
  StreamTranslator, UpstreamRequest,
} from '../plugin.js';
import { isFirstToken, responseToChunks } from '../stream/chunks.js';
import { Abort } from './abort.js';
import { toGatewayError, type HttpAnswer, type HttpClient } from './http-client.js';
import { NdjsonParser } from './ndjson-parser.js';
import { SseParser } from './sse-parser.js';

/** Largest upstream error body read into memory; the rest is dropped. */
const MAX_ERROR_BODY = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * The translate stage for one configured provider: canonical request →
 * adapter → upstream call (core's HTTP client, or the adapter's `invoke`) →
 * canonical answer. For streams it resolves once the first token has arrived,
 * so failover can still switch candidates on an early failure.
 */
export class ProviderRuntime {
  readonly id: string;
  readonly config: ProviderConfig;
  readonly adapter: ProviderAdapter;
  readonly #client: HttpClient;
  readonly #base: string;
  /** Parsed upstream URLs by path: most adapters use a handful of paths, parsed once. */
  readonly #urls = new Map<string, URL>();

  constructor(id: string, config: ProviderConfig, adapter: ProviderAdapter, client: HttpClient) {
    this.id = id;
    this.config = config;
    this.adapter = adapter;
    this.#client = client;
    this.#base = (config.baseURL ?? '').replace(/\/+$/, '');
  }

  target(model: string): ProviderTarget {
    return { id: this.id, config: this.config, model };
  }

  /** A JSON answer, or a stream whose first token is in hand. */
  async chat(req: ChatRequest, model: string, call: CallOptions): Promise<ChatResponse | ChatStream> {
    const { stream, abort } = call;
    const target = this.target(model);
    if ('invoke' in this.adapter) return this.#direct(this.adapter, req, target, stream === true, abort);
    const adapter = this.adapter;
    const up = adapter.chat.request(req, target);
    if (up.dropped?.length) call.onDropped?.(up.dropped);
    if (!stream) {
      const answer = await this.#call(adapter, up, target, abort, call.limits);
      return adapter.chat.response(await this.#json(answer), target, req);
    }
    const local = Abort.follow(abort);
    try {
      const answer = await this.#call(adapter, up, target, local, call.limits);
      const translator = adapter.chat.stream(target, req);
      return await startStream(this.#events(answer, up.framing ?? 'sse', translator, local), local);
    } catch (err) {
      local.abort();
      throw err;
    }
  }

  async embeddings(req: EmbeddingsRequest, model: string, call: CallOptions): Promise<EmbeddingsResponse> {
    const { abort } = call;
    const target = this.target(model);
    if ('invoke' in this.adapter) {
      if (!this.adapter.invoke.embeddings) throw this.#noEmbeddings();
      return this.adapter.invoke.embeddings(req, target, abort.signal);
    }
    const translator = this.adapter.embeddings;
    if (!translator) throw this.#noEmbeddings();
    const up = translator.request(req, target);
    if (up.dropped?.length) call.onDropped?.(up.dropped);
    const answer = await this.#call(this.adapter, up, target, abort, call.limits);
    return translator.response(await this.#json(answer), target, req);
  }

  #noEmbeddings(): GatewayError {
    return AISBF_ERR_UNSUPPORTED(`Provider '${this.id}' (type ${this.adapter.type}) does not serve embeddings; route embeddings to a provider that does.`, 'model');
  }

  async #direct(adapter: DirectProviderAdapter, req: ChatRequest, target: ProviderTarget, stream: boolean, abort: Abort) {
    const local = Abort.follow(abort);
    try {
      const out = await adapter.invoke.chat(req, target, local.signal);
      const isStream = typeof (out as AsyncIterable<ChatChunk>)[Symbol.asyncIterator] === 'function';
      if (!stream) {
        if (isStream) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.id, 'asked for JSON, got a stream');
        return out as ChatResponse;
      }
      const chunks = isStream ? (out as AsyncIterable<ChatChunk>) : toAsync(responseToChunks(out as ChatResponse, true));
      return await startStream(chunks, local);
    } catch (err) {
      local.abort();
      throw toGatewayError(err, this.id, abort);
    }
  }

  async #call(adapter: HttpProviderAdapter, up: UpstreamRequest, target: ProviderTarget, abort: Abort, limits?: AttemptLimits): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...this.config.headers, ...up.headers };
    if (up.body !== undefined) headers['content-type'] = 'application/json';
    // A strategy's first-byte limit needs a precise timer: undici rounds header timeouts to about a second.
    const firstByte = limits?.firstByteTimeoutMs;
    let guard: Abort | undefined;
    let timer: NodeJS.Timeout | undefined;
    if (firstByte !== undefined) {
      guard = Abort.follow(abort);
      timer = setTimeout(() => guard!.abort(AISBF_ERR_UPSTREAM_TIMEOUT(this.id, `no response within ${firstByte} ms`)), firstByte);
    }
    let answer: HttpAnswer;
    try {
      answer = await this.#client.send({
        url: this.#url(up.path),
        method: up.method ?? 'POST',
        headers,
        body: up.body === undefined ? undefined : JSON.stringify(up.body),
        timeoutMs: this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        connectTimeoutMs: this.config.connectTimeoutMs ?? limits?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        abort: guard ?? abort,
        provider: this.id,
      });
    } finally {
      clearTimeout(timer);
    }
    if (answer.status < 400) return answer;
    const text = await readLimited(answer, MAX_ERROR_BODY).catch(() => '');
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* keep the text: some upstreams answer errors in plain text or HTML */ }
    const err = adapter.error(answer.status, body, answer.headers, target);
    err.provider ??= this.id;
    throw err;
  }

  #url(path: string): URL {
    let url = this.#urls.get(path);
    if (!url) {
      url = new URL(this.#base + path);
      // Paths that embed ids or keys could be unbounded: keep the cache small.
      if (this.#urls.size < 256) this.#urls.set(path, url);
    }
    return url;
  }

  async #json(answer: HttpAnswer): Promise<unknown> {
    let text: string;
    try {
      text = await answer.body.text();
    } catch (err) {
      throw toGatewayError(err, this.id);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw AISBF_ERR_UPSTREAM_PROTOCOL(this.id, `the body is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** Upstream bytes → framing parser → JSON → adapter's translator → canonical chunks. */
  async *#events(answer: HttpAnswer, framing: 'sse' | 'ndjson', translator: StreamTranslator, abort: Abort): AsyncGenerator<ChatChunk> {
    const decoder = new StringDecoder('utf8');
    const sse = framing === 'sse' ? new SseParser() : undefined;
    const nd = framing === 'ndjson' ? new NdjsonParser() : undefined;
    const parse = (data: string): unknown => {
      try {
        return JSON.parse(data);
      } catch {
        throw AISBF_ERR_UPSTREAM_PROTOCOL(this.id, `a stream event is not JSON: ${data.slice(0, 200)}`);
      }
    };
    try {
      let done = false;
      for await (const buf of answer.body) {
        const text = decoder.write(buf as Buffer);
        if (sse) {
          for (const m of sse.push(text)) {
            if (m.data === '[DONE]') { done = true; break; }
            const out = translator.event({ event: m.event, data: parse(m.data) });
            if (out) yield* out;
          }
        } else if (nd) {
          for (const line of nd.push(text)) {
            const out = translator.event({ data: parse(line) });
            if (out) yield* out;
          }
        }
        if (done) break;
      }
      if (!done) {
        const rest = sse ? sse.end().filter((m) => m.data !== '[DONE]').map((m) => ({ event: m.event, data: parse(m.data) }))
          : (nd?.end() ?? []).map((l) => ({ data: parse(l) }));
        for (const ev of rest) {
          const out = translator.event(ev);
          if (out) yield* out;
        }
      }
      const tail = translator.end?.();
      if (tail) yield* tail;
    } catch (err) {
      throw toGatewayError(err, this.id, abort);
    } finally {
      // Stop reading (and release the socket) when the consumer leaves early.
      if (!answer.body.destroyed) answer.body.destroy();
    }
  }
}

async function readLimited(answer: HttpAnswer, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const buf of answer.body) {
    parts.push(buf as Buffer);
    size += (buf as Buffer).length;
    if (size >= limit) {
      answer.body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}


/**
 * Pulls chunks until the first token, then hands back a stream that replays
 * what was read and continues from the source. Errors before the first token
 * reject here (failover sees them); later ones surface while iterating.
 */
async function startStream(source: AsyncIterable<ChatChunk>, controller: Abort): Promise<ChatStream> {
  const it = source[Symbol.asyncIterator]();
  const head: ChatChunk[] = [];
  let finished = false;
  for (;;) {
    const r = await it.next();
    if (r.done) { finished = true; break; }
    head.push(r.value);
    if (isFirstToken(r.value)) break;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    controller.abort();
  };
  return {
    cancel: release,
    async *[Symbol.asyncIterator]() {
      try {
        yield* head;
        if (!finished) {
          for (;;) {
            const r = await it.next();
            if (r.done) break;
            yield r.value;
          }
        }
      } catch (err) {
        throw isGatewayError(err) ? err : toGatewayError(err, 'upstream', controller);
      } finally {
        await it.return?.();
        release();
      }
    },
  };
}
