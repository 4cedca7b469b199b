import { Pool, type Dispatcher } from 'undici';
import type { Abort } from './abort.js';
import { AISBF_ERR_UPSTREAM_TIMEOUT, AISBF_ERR_UPSTREAM_UNREACHABLE, isGatewayError } from '../errors.js';

export interface HttpClientOptions {
  /**
   * Send every request through this dispatcher instead of core's pools
   * (tests inject undici's `MockAgent` here).
   */
  dispatcher?: Dispatcher;
  /** Sockets per upstream origin; default 256. */
  connections?: number;
}

export interface HttpCall {
  url: URL;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** Headers must arrive, and then each body chunk, within this many ms. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Cancels the call (core's cheap EventEmitter handle; undici takes it as a signal). */
  abort: Abort;
  /** Provider id, for error messages. */
  provider: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Core's upstream HTTP client: one keep-alive undici pool per origin (and
 * connect timeout), reused by every request to it. Adapters never see it.
 */
export class HttpClient {
  readonly #pools = new Map<string, Dispatcher>();
  readonly #injected?: Dispatcher;
  readonly #connections: number;

  constructor(options: HttpClientOptions = {}) {
    this.#injected = options.dispatcher;
    this.#connections = options.connections ?? 256;
  }

  /** Sends one request; rejects with a GatewayError for timeouts and network failures. */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const dispatcher = this.#injected ?? this.#pool(call.url.origin, call.connectTimeoutMs);
    try {
      const res = await dispatcher.request({
        origin: call.url.origin,
        path: call.url.pathname + call.url.search,
        method: call.method,
        headers: call.headers,
        body: call.body,
        signal: call.abort,
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.timeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw toGatewayError(err, call.provider, call.abort);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }

  #pool(origin: string, connectTimeoutMs: number): Dispatcher {
    const key = `${origin} ${connectTimeoutMs}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new Pool(origin, { connections: this.#connections, connect: { timeout: connectTimeoutMs } });
      this.#pools.set(key, pool);
    }
    return pool;
  }
}

/**
 * Maps what undici throws (while connecting, or while reading a body) to the
 * error catalogue. An abort caused by our own signal is passed through as is,
 * so callers can tell "the client left" from "the upstream failed".
 */
export function toGatewayError(err: unknown, provider: string, signal?: { aborted: boolean; reason?: unknown }): unknown {
  if (isGatewayError(err)) return err;
  if (signal?.aborted) return signal.reason ?? err;
  const code = (err as { code?: string }).code;
  if (code && TIMEOUT_CODES.has(code)) {
    return AISBF_ERR_UPSTREAM_TIMEOUT(provider, code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'headers' : 'body');
  }
  return AISBF_ERR_UPSTREAM_UNREACHABLE(provider, err);
}
