import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import type { Abort } from './abort.js';
import { AISBF_ERR_UPSTREAM_TIMEOUT, AISBF_ERR_UPSTREAM_UNREACHABLE, isGatewayError } from '../errors.js';
import { UpstreamBody } from './upstream-body.js';

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
  /**
   * Resolve once the whole body is in (a JSON answer) rather than at the
   * headers (a stream): one wake-up per call instead of two.
   */
  whole?: boolean;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
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
  send(call: HttpCall): Promise<HttpAnswer> {
    const dispatcher = this.#injected ?? this.#pool(call.url.origin, call.connectTimeoutMs);
    return new Promise<HttpAnswer>((resolve, reject) => {
      const handler = new CallHandler(call, resolve, reject);
      try {
        dispatcher.dispatch({
          origin: call.url.origin,
          path: call.url.pathname + call.url.search,
          method: call.method,
          headers: call.headers,
          body: call.body,
          headersTimeout: call.timeoutMs,
          bodyTimeout: call.timeoutMs,
        }, handler);
      } catch (err) {
        handler.onResponseError(undefined, err as Error);
      }
    });
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
 * One upstream call as undici's dispatch handler: it settles the caller's
 * promise at the headers (or, for `whole` calls, at the end of the body) and
 * feeds an `UpstreamBody`. Used instead of undici's `request()`, whose
 * per-call Node stream and async-resource bookkeeping cost more than the rest
 * of a proxied request's upstream leg.
 */
class CallHandler implements Dispatcher.DispatchHandler {
  readonly #call: HttpCall;
  #resolve: ((answer: HttpAnswer) => void) | undefined;
  #reject: ((err: unknown) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #answer: HttpAnswer | undefined;
  readonly #onAbort: () => void;

  constructor(call: HttpCall, resolve: (answer: HttpAnswer) => void, reject: (err: unknown) => void) {
    this.#call = call;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onAbort = () => {
      const reason = call.abort.reason;
      if (this.#controller) this.#controller.abort(reason as Error);
      // Not on a socket yet: answer the caller now; undici drops the request when it starts.
      else this.#settle(reason);
    };
    if (call.abort.aborted) this.#onAbort();
    else call.abort.once('abort', this.#onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#call.abort.aborted) controller.abort(this.#call.abort.reason as Error);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: the real answer follows
    const body = new UpstreamBody();
    body.bind((reason) => controller.abort((reason ?? new Error('upstream body discarded')) as Error), () => controller.resume());
    this.#answer = { status: statusCode, headers, body };
    if (!this.#call.whole) this.#settle();
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#answer && !this.#answer.body.push(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.#done();
    this.#answer?.body.end();
    this.#settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.#done();
    const failure = toGatewayError(err, this.#call.provider, this.#call.abort);
    if (this.#resolve) this.#settle(failure);
    else this.#answer?.body.fail(failure);
  }

  /** Resolves with the answer, or rejects with `failure`; only the first call counts. */
  #settle(failure?: unknown): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (!resolve || !reject) return;
    this.#resolve = this.#reject = undefined;
    if (failure !== undefined) reject(failure);
    else if (this.#answer) resolve(this.#answer);
    else reject(toGatewayError(new Error('the upstream ended the call without an answer'), this.#call.provider));
  }

  #done(): void {
    this.#call.abort.off('abort', this.#onAbort);
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
